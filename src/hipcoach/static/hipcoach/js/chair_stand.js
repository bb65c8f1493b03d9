/**
 * The chair-stand test page: camera → pose (in the browser) → landmarks to the server, whose
 * engine counts full stands and keeps the 30-second clock. Only landmarks leave the device.
 * The engine gives the start: once it sees the person seated and still it says "Ready", 3, 2,
 * 1, "Go" (state.phase setup → countdown → test → done); the clock runs from "Go".
 * Texts are in the page or come from the server already translated; nothing is written here.
 */

import { SkeletonPainter } from './draw.js';
import { PoseEstimator } from './pose.js';
import { LiveSocket } from './socket.js';

const $ = (id) => document.getElementById(id);
const root = $('stand');
const data = root.dataset;
const ui = {
  intro: $('stand-intro'),
  run: $('stand-run'),
  result: $('stand-result'),
  video: $('stand-video'),
  count: $('stand-count'),
  remaining: $('stand-remaining'),
  waiting: $('stand-waiting'),
  countdownLine: $('stand-countdown-line'),
  countdown: $('stand-countdown'),
  hands: $('stand-hands'),
  resultRaw: $('stand-result-raw'),
  cue: $('stand-cue'),
  problem: $('stand-problem'),
  finish: $('stand-finish'),
  resultCount: $('stand-result-count'),
  notSaved: $('stand-not-saved'),
};
// Cues that start the test: shown large as well as spoken.
const START_CUES = new Set(['ready', 'countdown', 'go', 'wait_for_go']);
const painter = new SkeletonPainter($('stand-overlay'), ui.video);
const lang = (document.documentElement.lang || 'en').startsWith('ja') ? 'ja-JP' : 'en-US';
let estimator = null;
let stream = null;
let running = false;
let lastT = 0;

function say(text) {
  if (!text || !('speechSynthesis' in window)) return;
  window.speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = lang;
  window.speechSynthesis.speak(utterance);
}

const socket = new LiveSocket(data.wsPath, {
  onMessage(message) {
    if (message.type === 'state') {
      const state = message.state;
      ui.count.textContent = String(state.count);
      if (state.remaining_s !== null) ui.remaining.textContent = String(Math.ceil(state.remaining_s));
      ui.waiting.hidden = state.phase !== 'setup';
      if (state.cue) {
        if (START_CUES.has(state.cue.code)) {
          ui.countdown.textContent = state.cue.text;
          ui.countdownLine.hidden = false;
        } else {
          ui.cue.textContent = state.cue.text;
        }
        say(state.cue.text);
      }
      if (state.phase === 'test' && state.elapsed_s !== null && state.elapsed_s > 2) {
        ui.countdownLine.hidden = true;
      }
    } else if (message.type === 'result') {
      stop();
      const report = message.report;
      ui.run.hidden = true;
      ui.result.hidden = false;
      ui.resultCount.textContent = String(report.score);
      ui.resultRaw.textContent = String(report.count);
      ui.hands.hidden = !report.hands_used;
      ui.notSaved.hidden = message.saved;
    }
  },
});

function stop() {
  running = false;
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  estimator?.close();
  estimator = null;
}

function loop() {
  if (!running) return;
  if (ui.video.readyState >= 2 && ui.video.videoWidth) {
    const t = Math.max(performance.now(), lastT + 1);
    lastT = t;
    let frame = null;
    try {
      frame = estimator.detect(ui.video, t);
    } catch {
      frame = null;
    }
    painter.draw(frame, []);
    socket.sendFrame(frame ? { type: 'frame', frame } : { type: 'frame', frame: null, timestamp_ms: t }, t);
  }
  requestAnimationFrame(loop);
}

async function start() {
  ui.intro.hidden = true;
  ui.run.hidden = false;
  socket.connect();
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 } },
      audio: false,
    });
    ui.video.srcObject = stream;
    await ui.video.play().catch(() => {});
    estimator = await PoseEstimator.create({
      bundleUrl: data.visionBundleUrl,
      wasmUrl: data.wasmUrl,
      modelUrl: data.modelUrl,
      fullModelUrl: data.modelFullUrl,
    });
  } catch {
    stop();
    ui.problem.hidden = false;
    return;
  }
  running = true;
  requestAnimationFrame(loop);
}

$('stand-start').addEventListener('click', start);
ui.finish.addEventListener('click', () => socket.send({ type: 'finish' }));
