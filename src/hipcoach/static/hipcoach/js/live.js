/**
 * The live session page (templates/practice/live.html): camera, pose, socket, and what the
 * person sees and hears.
 *
 * The camera picture stays in the browser: pose.js turns each video frame into landmarks,
 * socket.js sends them to the server, whose engine judges the form and answers with the
 * session's state, drawn here. Without a camera (none, refused, failing, model not loading, or
 * nobody found) the session runs as a timer: the page sends the clock ~4 times a second.
 *
 * Every text comes from Django's JavaScript catalog (/jsi18n/, loaded before this module);
 * cue texts come from the server already translated.
 */

import { SkeletonPainter } from './draw.js';
import { PoseEstimator, isSlowDevice } from './pose.js';
import { LiveSocket } from './socket.js';

// The catalog defines these globals; without it the English msgids are shown as they are.
const gettext = globalThis.gettext ?? ((text) => text);
const ngettext =
  globalThis.ngettext ?? ((singular, plural, count) => (count === 1 ? singular : plural));
const interpolate =
  globalThis.interpolate ??
  ((format, values) => format.replace(/%\((\w+)\)s/g, (_, key) => String(values[key])));

const TICK_MS = 250;
const NOBODY_OFFER_MS = 10_000;
const VIEW_SETTLE_MS = 800;
const COUNTING_WINDOW_MS = 700;
const DETECT_FAILURES_BEFORE_TIMER = 10;
const DONE_SPEECH_WAIT_MS = 6000;
const RING_CIRCUMFERENCE = 2 * Math.PI * 88; // r=88 in live.html's SVG

const PHASES = {
  setup: gettext('Get into position'),
  hold: gettext('Hold the stretch'),
  rest: gettext('Rest'),
  switch_side: gettext('Switch sides'),
  paused: gettext('Paused'),
  done: gettext('All done'),
};

const VIEW_PROBLEMS = {
  no_person: gettext(
    "We can't see you. Make sure your whole body, feet included, is in the picture.",
  ),
  low_visibility: gettext(
    "We can't see you well. Check the light, and that your whole body, feet included, is in the picture.",
  ),
  not_side_on: gettext("We can't see you well from here. Turn so that your side faces the camera."),
};

const TIMER_REASONS = {
  chosen: gettext('Timer only: the camera is off, and your form is not checked.'),
  no_camera: gettext(
    'No camera was found, so this session uses the timer only. Your form is not checked.',
  ),
  refused: gettext(
    'The camera was not allowed, so this session uses the timer only. Your form is not checked. To use the camera, allow it in your browser and press “Try the camera again”.',
  ),
  camera_failed: gettext(
    'The camera could not be started (another program may be using it), so this session uses the timer only. Your form is not checked.',
  ),
  model_failed: gettext(
    'Body tracking could not be loaded, so this session uses the timer only. Your form is not checked.',
  ),
};

const $ = (id) => document.getElementById(id);

/** Timestamps for everything sent: the page's clock, strictly increasing, in ms. */
const clock = {
  last: 0,
  next() {
    let t = Math.round(performance.now() * 1000) / 1000;
    if (t <= this.last) t = Math.round((this.last + 0.001) * 1000) / 1000;
    this.last = t;
    return t;
  },
};

/** Speaks cues in the page's language: one utterance at a time, at most one waiting. */
class Speaker {
  constructor(lang) {
    this.lang = lang;
    this.synth = globalThis.speechSynthesis ?? null;
    this.current = null;
    this.pending = null;
    this.guard = null;
    this.idleWaiters = [];
    this.muted = localStorage.getItem('hipcoach.muted') === '1';
  }

  /** Call from a click: browsers allow speech only after a user gesture. */
  unlock() {
    if (!this.synth || this.muted) return;
    const hush = new SpeechSynthesisUtterance(' ');
    hush.volume = 0;
    hush.lang = this.lang;
    this.synth.speak(hush);
  }

  say(text) {
    if (!this.synth || this.muted || !text) return;
    if (this.current) {
      this.pending = text; // a newer cue replaces one still waiting: never a backlog
      return;
    }
    this.#speak(text);
  }

  setMuted(muted) {
    this.muted = muted;
    localStorage.setItem('hipcoach.muted', muted ? '1' : '0');
    if (muted) {
      this.pending = null;
      this.synth?.cancel();
      this.#finished(this.current);
    }
  }

  /** Resolves when nothing is being said, or after `maxMs`. */
  idle(maxMs) {
    if (!this.current) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      setTimeout(resolve, maxMs);
    });
  }

  #voice() {
    const voices = this.synth.getVoices();
    const lang = this.lang.toLowerCase();
    const norm = (v) => v.lang.replace('_', '-').toLowerCase();
    return (
      voices.find((v) => norm(v) === lang && v.localService) ??
      voices.find((v) => norm(v) === lang) ??
      voices.find((v) => norm(v).startsWith(lang.slice(0, 2))) ??
      null
    );
  }

  #speak(text) {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = this.lang;
    utterance.rate = 0.95;
    const voice = this.#voice();
    if (voice) utterance.voice = voice;
    const done = () => this.#finished(utterance);
    utterance.addEventListener('end', done);
    utterance.addEventListener('error', done);
    // Some engines never fire 'end'; don't let one lost event silence the rest.
    this.guard = setTimeout(done, 4000 + text.length * 150);
    this.current = utterance;
    this.synth.speak(utterance);
  }

  #finished(utterance) {
    if (!utterance || this.current !== utterance) return;
    clearTimeout(this.guard);
    this.current = null;
    const next = this.pending;
    this.pending = null;
    if (next && !this.muted) {
      this.#speak(next);
      return;
    }
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

class LivePage {
  constructor(root) {
    this.root = root;
    const data = root.dataset;
    this.config = {
      wsPath: data.wsPath,
      modelUrl: data.modelUrl,
      fullModelUrl: data.modelFullUrl || '',
      wasmUrl: data.wasmUrl,
      bundleUrl: data.visionBundleUrl,
      mode: data.mode === 'timer' ? 'timer' : 'camera',
    };
    this.ui = {
      intro: $('live-intro'),
      session: $('live-session'),
      start: $('live-start'),
      startTimer: $('live-start-timer'),
      notice: $('live-notice'),
      viewWarning: $('live-view-warning'),
      viewWarningText: $('live-view-warning-text'),
      camera: $('live-camera'),
      video: $('live-video'),
      overlay: $('live-overlay'),
      phase: $('live-phase'),
      setLine: $('live-set-line'),
      setsDone: $('live-sets-done'),
      ring: $('live-ring'),
      ringFill: $('live-ring-fill'),
      ringNumber: $('live-ring-number'),
      ringUnit: $('live-ring-unit'),
      ringDetail: $('live-ring-detail'),
      ringNote: $('live-ring-note'),
      cue: $('live-cue'),
      pacer: $('live-pacer'),
      pacerText: $('live-pacer-text'),
      inPosition: $('live-in-position'),
      nobody: $('live-nobody'),
      useTimer: $('live-use-timer'),
      keepCamera: $('live-keep-camera'),
      pause: $('live-pause'),
      mute: $('live-mute'),
      retryCamera: $('live-retry-camera'),
      end: $('live-end'),
      pain: $('live-pain'),
      endDialog: $('live-end-dialog'),
      endConfirm: $('live-end-confirm'),
      endCancel: $('live-end-cancel'),
      diagnostics: $('live-diagnostics'),
      setup: $('live-setup'),
      framing: $('live-framing'),
      framingLabel: $('live-framing-label'),
      framingText: $('live-framing-text'),
      range: $('live-range'),
    };
    const lang = (document.documentElement.lang || 'en').toLowerCase();
    this.speaker = new Speaker(lang.startsWith('ja') ? 'ja-JP' : 'en-US');
    this.painter = new SkeletonPainter(this.ui.overlay, this.ui.video);
    this.socket = new LiveSocket(this.config.wsPath, {
      onMessage: (message) => this.onMessage(message),
      onStatus: (status, detail) => this.onSocketStatus(status, detail),
    });

    this.clientMode = this.config.mode;
    this.serverMode = null; // as the last hello said
    this.started = false;
    this.finished = false;
    this.state = null;
    this.faultLandmarks = [];
    this.estimator = null;
    this.modelPromise = null;
    this.stream = null;
    this.cameraRunning = false;
    this.cameraStartedAt = 0;
    this.lastSeenAt = 0;
    this.nobodyDismissedAt = 0;
    this.detectFailures = 0;
    this.ticker = null;
    this.frameTimes = [];
    this.heldSeen = { value: -1, changedAt: 0 };
    this.phaseTotal = { phase: null, total: 0 };
    this.view = { shown: null, candidate: null, since: 0 };
    this.wasDisconnected = false;
    this.timerReason = TIMER_REASONS.chosen;
    this.ending = false;
    this.pauseIntent = null;
    this.shownPaused = false;
    this.noticeTimer = null;
    this.lastVideoTime = -1;
    this.errors = 0;
    this.setupDone = false; // the first hold has begun: the set-up panel is not shown again
  }

  init() {
    const { ui } = this;
    ui.start.addEventListener('click', () => this.start('camera'));
    ui.startTimer.addEventListener('click', () => this.start('timer'));
    ui.pause.addEventListener('click', () => this.togglePause());
    ui.mute.addEventListener('click', () => this.toggleMute());
    ui.inPosition.addEventListener('click', () => this.sendStamped('start_hold'));
    ui.useTimer.addEventListener('click', () => this.enterTimer('chosen'));
    ui.keepCamera.addEventListener('click', () => {
      this.nobodyDismissedAt = performance.now();
      ui.nobody.hidden = true;
    });
    ui.retryCamera.addEventListener('click', () => this.retryCamera());
    ui.end.addEventListener('click', () => this.askToEnd());
    ui.pain.addEventListener('click', () => this.end('pain'));
    ui.endConfirm.addEventListener('click', () => this.end());
    ui.endCancel.addEventListener('click', () => ui.endDialog.close());
    document.addEventListener('keydown', (event) => this.onKey(event));
    // Give the camera box the camera's own shape (CSSOM, which the CSP allows).
    const fitCamera = () => {
      const { videoWidth: w, videoHeight: h } = ui.video;
      if (w && h) ui.camera.style.aspectRatio = `${w} / ${h}`;
    };
    ui.video.addEventListener('loadedmetadata', fitCamera);
    ui.video.addEventListener('resize', fitCamera);
    window.addEventListener('pagehide', () => {
      this.socket.close();
      this.stopCamera();
    });
    // Back to this page from the browser's history cache: its socket and camera are gone.
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) window.location.reload();
    });
    this.renderMute();
    setInterval(() => this.renderDiagnostics(), 1000);
    this.socket.connect();
  }

  // -- starting -------------------------------------------------------------------------------

  async start(mode) {
    if (this.started) return;
    this.started = true;
    this.speaker.unlock();
    this.root.dataset.started = 'true';
    this.ui.intro.hidden = true;
    this.ui.session.hidden = false;
    // Focus the heading, not a button: Space then pauses, as the page says.
    this.ui.phase.focus({ preventScroll: true });
    this.root.scrollIntoView({ block: 'start' });
    if (this.state) this.render(this.state, null);
    if (mode === 'timer') {
      this.enterTimer('chosen');
    } else {
      await this.startCamera();
    }
  }

  async startCamera() {
    const { ui } = this;
    this.clientMode = 'camera';
    this.syncMode();
    ui.camera.hidden = false;
    ui.retryCamera.hidden = true;
    this.showNotice(gettext('Starting the camera…'), { persistent: true });
    if (!this.modelPromise) {
      // Load the model while the browser asks for the camera; its failure is handled below.
      this.modelPromise = this.loadModel();
      this.modelPromise.catch(() => {});
    }
    let stream;
    try {
      stream = await openCamera();
    } catch (error) {
      this.enterTimer(cameraFailure(error));
      return;
    }
    if (this.clientMode !== 'camera') {
      stopStream(stream);
      return;
    }
    this.stream = stream;
    ui.video.srcObject = stream;
    const facing = stream.getVideoTracks()[0]?.getSettings?.().facingMode;
    const mirrored = facing !== 'environment';
    ui.video.classList.toggle('is-mirrored', mirrored);
    this.painter.mirrored = mirrored;
    try {
      await ui.video.play();
    } catch {
      // autoplay of a muted inline video is allowed; if not, the frames still arrive
    }
    this.showNotice(gettext('Loading body tracking…'), { persistent: true });
    try {
      this.estimator = await this.modelPromise;
    } catch (error) {
      this.log(`model failed: ${error?.message ?? error}`);
      this.modelPromise = null;
      this.enterTimer('model_failed');
      return;
    }
    if (this.clientMode !== 'camera' || this.stream !== stream) return;
    this.showNotice(gettext('Looking for you…'), { persistent: true });
    this.cameraRunning = true;
    this.cameraStartedAt = performance.now();
    this.lastSeenAt = 0;
    this.nobodyDismissedAt = 0;
    this.detectFailures = 0;
    this.scheduleFrame();
  }

  loadModel() {
    const { bundleUrl, wasmUrl, modelUrl, fullModelUrl } = this.config;
    return PoseEstimator.create({
      bundleUrl, wasmUrl, modelUrl, fullModelUrl, log: (text) => this.log(text),
    });
  }

  stopCamera() {
    this.cameraRunning = false;
    if (this.stream) stopStream(this.stream);
    this.stream = null;
    this.ui.video.srcObject = null;
    this.painter.clear();
  }

  /** Switch to timer-only: say why, hide the video, send the clock. */
  enterTimer(reason) {
    const { ui } = this;
    this.stopCamera();
    this.clientMode = 'timer';
    this.syncMode();
    ui.camera.hidden = true;
    ui.nobody.hidden = true;
    ui.viewWarning.hidden = true;
    this.view.shown = null;
    ui.retryCamera.hidden = !navigator.mediaDevices?.getUserMedia || this.finished;
    this.timerReason = TIMER_REASONS[reason] ?? TIMER_REASONS.chosen;
    this.showNotice(this.timerReason, { persistent: true });
    clearInterval(this.ticker);
    this.ticker = setInterval(() => this.sendStamped('tick'), TICK_MS);
    if (this.state) this.render(this.state, null);
  }

  retryCamera() {
    clearInterval(this.ticker);
    this.ticker = null;
    this.startCamera();
  }

  /** Tell the server our mode when it differs from what it last said (also after reconnecting). */
  syncMode() {
    if (!this.started || this.serverMode === null || this.serverMode === this.clientMode) return;
    if (this.socket.send({ type: 'mode', mode: this.clientMode })) this.serverMode = this.clientMode;
  }

  // -- the camera loop ------------------------------------------------------------------------

  scheduleFrame() {
    if (!this.cameraRunning) return;
    const video = this.ui.video;
    if ('requestVideoFrameCallback' in video) {
      video.requestVideoFrameCallback(() => this.onVideoFrame());
    } else {
      requestAnimationFrame(() => {
        if (video.currentTime !== this.lastVideoTime) {
          this.lastVideoTime = video.currentTime;
          this.onVideoFrame();
        } else {
          this.scheduleFrame();
        }
      });
    }
  }

  onVideoFrame() {
    if (!this.cameraRunning) return;
    const video = this.ui.video;
    if (video.readyState < 2 || !video.videoWidth) {
      this.scheduleFrame();
      return;
    }
    const t = clock.next();
    let frame = null;
    try {
      frame = this.estimator.detect(video, t);
      this.detectFailures = 0;
    } catch (error) {
      this.detectFailures += 1;
      this.log(`detect failed: ${error?.message ?? error}`);
      if (this.detectFailures >= DETECT_FAILURES_BEFORE_TIMER) {
        this.enterTimer('model_failed');
        return;
      }
    }
    this.painter.draw(frame, this.faultLandmarks);
    const now = performance.now();
    if (frame) {
      if (!this.lastSeenAt) this.hideNotice();
      this.lastSeenAt = now;
    }
    if (this.serverMode === 'camera' && !this.ending) {
      const message = frame
        ? { type: 'frame', frame }
        : { type: 'frame', frame: null, timestamp_ms: t };
      this.socket.sendFrame(message, t);
    }
    this.frameTimes.push(now);
    while (this.frameTimes.length && now - this.frameTimes[0] > 2000) this.frameTimes.shift();
    this.checkNobody(now);
    this.scheduleFrame();
  }

  /** Nobody for ~10 s: offer the timer (never switch silently). */
  checkNobody(now) {
    const since = Math.max(this.lastSeenAt, this.cameraStartedAt, this.nobodyDismissedAt);
    this.ui.nobody.hidden = this.shownPaused || now - since < NOBODY_OFFER_MS;
  }

  // -- messages from the server ---------------------------------------------------------------

  onMessage(message) {
    switch (message.type) {
      case 'hello':
        this.serverMode = message.mode === 'timer' ? 'timer' : 'camera';
        if (this.ending) this.socket.send({ type: 'end' }); // the answer was lost with the line
        this.syncMode();
        if (message.state) this.render(message.state, null);
        break;
      case 'state':
        this.render(message.state, message.pose ?? null);
        break;
      case 'saved':
        this.onSaved(message.set);
        break;
      case 'done':
        this.done(message.summary_url);
        break;
      case 'error':
        this.errors += 1;
        this.log(`server error ${message.code}: ${message.message}`);
        if (message.code === 'finished' && !this.finished) {
          // Ended elsewhere (another tab?): reloading shows its summary.
          this.stopEverything();
          this.showNotice(gettext('This session has already ended.'), { persistent: true });
          setTimeout(() => window.location.reload(), 4000);
        }
        break;
      default:
        break;
    }
  }

  onSaved(set) {
    const seconds = Math.round(set?.good_form_s ?? 0);
    this.showNotice(
      interpolate(
        ngettext(
          'Set saved: %(seconds)s second of good form.',
          'Set saved: %(seconds)s seconds of good form.',
          seconds,
        ),
        { seconds },
        true,
      ),
    );
  }

  onSocketStatus(status, detail) {
    if (status === 'waiting') {
      this.wasDisconnected = true;
      if (this.started && !this.finished) {
        this.showNotice(
          interpolate(
            ngettext(
              'Connection lost: time is not counted until it is back. Trying again in %(seconds)s second…',
              'Connection lost: time is not counted until it is back. Trying again in %(seconds)s seconds…',
              detail.seconds,
            ),
            { seconds: detail.seconds },
            true,
          ),
          { persistent: true },
        );
      }
    } else if (status === 'open' && this.wasDisconnected) {
      this.wasDisconnected = false;
      if (this.started && !this.finished) {
        const inHold = this.state?.phase === 'hold';
        this.showNotice(
          inHold
            ? gettext('Connected again. The set you were doing starts again.')
            : gettext('Connected again.'),
        );
      }
    } else if (status === 'refused') {
      this.stopEverything();
      this.ui.intro.hidden = true;
      this.ui.session.hidden = false;
      this.showNotice(
        detail.code === 4401
          ? gettext('You are signed out. Please sign in again to continue.')
          : gettext('This session cannot be opened with your account.'),
        { persistent: true },
      );
    }
  }

  // -- drawing the state ----------------------------------------------------------------------

  render(state, pose) {
    if (!state) return;
    const { ui } = this;
    const now = performance.now();
    const previous = this.state;
    this.state = state;
    if (pose) this.faultLandmarks = pose.fault_landmarks ?? [];
    else if (state.phase !== 'hold') this.faultLandmarks = []; // ticks etc. carry no pose
    let paused = Boolean(state.paused) || state.phase === 'paused';
    // Replies to frames sent before a pause/resume still carry the old value: keep showing
    // what the person asked for until the server agrees (or a moment has passed).
    const intent = this.pauseIntent;
    if (intent && (paused === intent.paused || now > intent.until)) this.pauseIntent = null;
    else if (intent) paused = intent.paused;
    this.shownPaused = paused;
    const phase = paused ? 'paused' : state.phase;

    setText(ui.phase, PHASES[phase] ?? '');
    setText(ui.setLine, setLine(state));
    setText(
      ui.setsDone,
      interpolate(
        gettext('%(done)s of %(total)s sets done'),
        { done: state.sets_done, total: state.sets_total },
        true,
      ),
    );
    this.renderRing(state, phase, now, previous);

    if (state.cue?.text && this.started) {
      setText(ui.cue, state.cue.text);
      this.speaker.say(state.cue.text);
    }

    // The breathing pacer: only while holding.
    const breathing = phase === 'hold' && (state.breath === 'in' || state.breath === 'out');
    ui.pacer.hidden = !breathing;
    if (breathing) {
      const progress = clamp(Number(state.breath_progress) || 0, 0, 1);
      const size = state.breath === 'in' ? 0.45 + 0.55 * progress : 1 - 0.55 * progress;
      ui.pacer.style.setProperty('--breath-scale', size.toFixed(3));
      ui.pacer.dataset.breath = state.breath;
      setText(
        ui.pacerText,
        state.breath === 'in'
          ? gettext('Breathe in')
          : gettext("Breathe out slowly. Don't hold your breath."),
      );
    }

    const setupPhase = phase === 'setup' || phase === 'switch_side';
    ui.inPosition.hidden = !(this.started && this.clientMode === 'timer' && setupPhase);
    ui.pause.disabled = state.phase === 'done';
    setText(ui.pause, paused ? gettext('Resume') : gettext('Pause'));
    ui.session.dataset.phase = phase;
    ui.session.dataset.mode = this.clientMode;
    this.renderSetup(state);
    this.renderView(state, phase, now);
    this.renderRange(state);
  }

  /** The person's own range: draws the server's state.range (set-up, shift, target). */
  renderRange(state) {
    const { ui } = this;
    const range = state.range;
    const show = Boolean(range) && this.clientMode === 'camera' && state.phase !== 'done';
    ui.range.hidden = !show;
    if (!show) return;
    const degrees = (value) => String(Math.round(Number(value)));
    const signed = (value) => {
      const n = Math.round(Number(value));
      return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
    };
    let text = gettext('Measuring your set-up: kneel upright and still for a moment.');
    if (range.basis === 'own' && range.reached !== null && range.reached_shift !== null) {
      text = interpolate(
        gettext('Your set-up %(baseline)s°, reached %(reached)s° (%(shift)s°), target %(target)s°'),
        {
          baseline: degrees(range.baseline),
          reached: degrees(range.reached),
          shift: signed(range.reached_shift),
          target: signed(range.target_shift),
        },
        true,
      );
    } else if (range.basis === 'own' && range.shift !== null) {
      text = interpolate(
        gettext('Your set-up %(baseline)s°, now %(now)s° (%(shift)s°), target %(target)s°'),
        {
          baseline: degrees(range.baseline),
          now: degrees(range.extension),
          shift: signed(range.shift),
          target: signed(range.target_shift),
        },
        true,
      );
    } else if (range.basis === 'own') {
      text = interpolate(
        gettext('Your set-up %(baseline)s°, target %(target)s°'),
        { baseline: degrees(range.baseline), target: signed(range.target_shift) },
        true,
      );
    }
    ui.range.dataset.basis = range.basis;
    setText(ui.range, text);
  }

  /** The camera set-up panel, before the first hold: draws the server's state.framing. */
  renderSetup(state) {
    const { ui } = this;
    if (state.phase === 'hold') this.setupDone = true;
    const visible =
      this.started && this.clientMode === 'camera' && state.phase === 'setup' && !this.setupDone;
    ui.setup.hidden = !visible;
    const framing = state.framing;
    if (!visible || !framing) return; // replies without a frame keep what is shown
    const shown = framing.shown;
    let ok = 'waiting';
    let label = gettext('Checking the camera picture…');
    if (shown) {
      ok = shown.ok ? 'true' : 'false';
      label = shown.ok ? gettext('Camera set-up: good.') : gettext('Camera set-up: not yet.');
    }
    ui.framing.dataset.ok = ok;
    setText(ui.framingLabel, label);
    setText(ui.framingText, shown?.text ?? '');
    if (framing.say && shown?.text) this.speaker.say(shown.text);
  }

  renderRing(state, phase, now, previous) {
    const { ui } = this;
    const held = Number(state.held_s) || 0;
    const target = Number(state.target_s) || 0;
    if (held !== this.heldSeen.value) {
      if (held > this.heldSeen.value && previous) this.heldSeen.changedAt = now;
      this.heldSeen.value = held;
    }
    const counting = phase === 'hold' && now - this.heldSeen.changedAt < COUNTING_WINDOW_MS;

    let fraction = target ? held / target : 0;
    let seconds = Math.max(0, Math.ceil(target - held - 1e-6));
    let unit = 'hold';
    let note = '';
    const countdown = (left) => {
      // Rest and set-up count down from the first value seen in that phase.
      if (this.phaseTotal.phase !== phase || left > this.phaseTotal.total) {
        this.phaseTotal = { phase, total: left };
      }
      fraction = this.phaseTotal.total ? left / this.phaseTotal.total : 0;
      seconds = Math.max(0, Math.ceil(left - 1e-6));
    };
    if (phase === 'rest' && state.rest_left_s !== null && state.rest_left_s !== undefined) {
      countdown(Number(state.rest_left_s));
      unit = 'rest';
    } else if (
      (phase === 'setup' || phase === 'switch_side') &&
      state.setup_left_s !== null && state.setup_left_s !== undefined
    ) {
      countdown(Number(state.setup_left_s));
      unit = 'ready';
    } else if (phase === 'hold' && this.clientMode === 'camera') {
      // Timer-only mode checks nothing, so it claims nothing about form.
      note = counting
        ? gettext('Counting: good form.')
        : gettext('Not counting: the timer waits until your form is right.');
    } else if (phase === 'setup' || phase === 'switch_side') {
      fraction = 0;
      note = this.clientMode === 'camera'
        ? gettext('The timer starts when you are in the stretch position.')
        : '';
    } else if (phase === 'done') {
      fraction = 1;
      seconds = 0;
    }
    fraction = clamp(fraction, 0, 1);
    ui.ringFill.setAttribute('stroke-dashoffset', (RING_CIRCUMFERENCE * (1 - fraction)).toFixed(1));
    ui.ring.dataset.counting = String(counting);
    ui.ring.dataset.kind = phase;
    setText(ui.ringNumber, String(seconds));
    setText(ui.ringUnit, ringUnit(unit, seconds));
    setText(
      ui.ringDetail,
      interpolate(
        gettext('Good-form time: %(held)s of %(target)s seconds'),
        { held: Math.floor(held), target: Math.round(target) },
        true,
      ),
    );
    setText(ui.ringNote, note);
  }

  /** "We can't see you well…", shown once the view has been bad for a moment. */
  renderView(state, phase, now) {
    const { ui } = this;
    const relevant =
      this.started && this.clientMode === 'camera' && this.cameraRunning &&
      ui.nobody.hidden && // the offer to use the timer says it already
      ui.setup.hidden && // so does the camera set-up panel
      ['setup', 'hold', 'switch_side'].includes(phase);
    const problem = relevant && state.view && state.view !== 'ok' ? state.view : null;
    if (problem !== this.view.candidate) {
      this.view.candidate = problem;
      this.view.since = now;
    }
    if (problem !== this.view.shown && now - this.view.since >= VIEW_SETTLE_MS) {
      this.view.shown = problem;
      ui.viewWarning.hidden = !problem;
      if (problem) setText(ui.viewWarningText, VIEW_PROBLEMS[problem] ?? VIEW_PROBLEMS.low_visibility);
    }
    if (!relevant) {
      this.view.shown = null;
      ui.viewWarning.hidden = true;
    }
  }

  renderMute() {
    setText(
      this.ui.mute,
      this.speaker.muted ? gettext('Turn the voice on') : gettext('Turn the voice off'),
    );
  }

  renderDiagnostics() {
    const times = this.frameTimes;
    const span = times.length > 1 ? (times.at(-1) - times[0]) / 1000 : 0;
    const fps = span > 0 && this.cameraRunning ? (times.length - 1) / span : 0;
    const rtt = this.socket.rttMs;
    this.ui.diagnostics.textContent = interpolate(
      gettext('%(fps)s frames/s · round trip %(rtt)s ms · %(pose)s · %(dropped)s dropped'),
      {
        fps: fps.toFixed(1),
        rtt: rtt === null ? '–' : rtt.toFixed(0),
        pose: this.cameraRunning && this.estimator ? this.estimator.description : this.clientMode,
        dropped: this.socket.dropped,
      },
      true,
    );
    // For automated checks (tests read these; nobody sees them).
    const d = this.ui.diagnostics.dataset;
    d.fps = fps.toFixed(2);
    d.rtt = rtt === null ? '' : rtt.toFixed(1);
    d.sent = String(this.socket.sent);
    d.dropped = String(this.socket.dropped);
    d.errors = String(this.errors);
  }

  // -- controls -------------------------------------------------------------------------------

  sendStamped(type) {
    if (this.ending) return false;
    return this.socket.send({ type, timestamp_ms: clock.next() });
  }

  togglePause() {
    if (!this.started || this.finished || !this.state || this.state.phase === 'done') return;
    const paused = this.shownPaused;
    if (!this.sendStamped(paused ? 'resume' : 'pause')) {
      this.showNotice(gettext('Not connected to the server. Please wait a moment.'));
      return;
    }
    // Show it at once; the server's next states confirm it.
    this.pauseIntent = { paused: !paused, until: performance.now() + 2000 };
    this.render({ ...this.state, cue: null }, null);
  }

  toggleMute() {
    this.speaker.setMuted(!this.speaker.muted);
    this.renderMute();
  }

  askToEnd() {
    const dialog = this.ui.endDialog;
    if (typeof dialog.showModal === 'function') {
      dialog.showModal();
    } else if (window.confirm(gettext('End the session now?'))) {
      this.end();
    }
  }

  /** End now; `'pain'` (no question asked: pain is rising) also tells the clinic. */
  end(kind = 'end') {
    if (this.ui.endDialog.open) this.ui.endDialog.close();
    if (!this.socket.send({ type: kind })) {
      this.showNotice(gettext('Not connected to the server. Please wait a moment.'));
      return;
    }
    // Nothing more after 'end': the server answers 'done' and refuses later messages.
    this.ending = true;
    clearInterval(this.ticker);
    this.ticker = null;
    this.showNotice(gettext('Ending the session…'), { persistent: true });
  }

  onKey(event) {
    if (event.key !== ' ' || event.repeat || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    const interactive = target.closest?.(
      'button, a, input, select, textarea, summary, dialog, [contenteditable], [role="button"]',
    );
    if (interactive || !this.started || this.finished) return;
    event.preventDefault();
    this.togglePause();
  }

  // -- the end --------------------------------------------------------------------------------

  stopEverything() {
    this.finished = true;
    clearInterval(this.ticker);
    this.ticker = null;
    this.stopCamera();
    this.estimator?.close();
    this.estimator = null;
    this.socket.close();
    this.ui.nobody.hidden = true;
    this.ui.viewWarning.hidden = true;
    this.ui.inPosition.hidden = true;
    this.ui.retryCamera.hidden = true;
    this.ui.pause.disabled = true;
    this.ui.end.disabled = true;
    this.ui.pain.disabled = true;
  }

  async done(summaryUrl) {
    if (this.finished) return;
    this.stopEverything();
    this.ui.camera.hidden = true;
    this.ui.pacer.hidden = true;
    this.showNotice(gettext('Well done. Opening your summary…'), { persistent: true });
    // Let the last cue ("Well done…") finish before leaving the page.
    await this.speaker.idle(DONE_SPEECH_WAIT_MS);
    if (typeof summaryUrl === 'string' && summaryUrl.startsWith('/') && !summaryUrl.startsWith('//')) {
      window.location.assign(summaryUrl);
    }
  }

  // -- helpers --------------------------------------------------------------------------------

  showNotice(text, { persistent = false } = {}) {
    const notice = this.ui.notice;
    clearTimeout(this.noticeTimer);
    setText(notice, text);
    notice.hidden = !text;
    if (!persistent && text) {
      this.noticeTimer = setTimeout(() => this.hideNotice(), 8000);
    }
  }

  hideNotice() {
    if (this.clientMode === 'timer' && !this.finished && this.started) {
      // In timer mode the reason stays visible.
      setText(this.ui.notice, this.timerReason);
      this.ui.notice.hidden = false;
      return;
    }
    this.ui.notice.hidden = true;
  }

  log(text) {
    console.info(`[hipcoach] ${text}`);
  }
}

function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

/** The words under the big number of the countdown ring. */
function ringUnit(kind, seconds) {
  if (kind === 'rest') return ngettext('second of rest', 'seconds of rest', seconds);
  if (kind === 'ready') return ngettext('second to get ready', 'seconds to get ready', seconds);
  return ngettext('second to go', 'seconds to go', seconds);
}

function setLine(state) {
  if (state.phase === 'done') return gettext('All sets are done.');
  const values = { set: state.set, total: state.sets_per_side };
  if (state.side === 'left') {
    return interpolate(gettext('Left side, set %(set)s of %(total)s'), values, true);
  }
  if (state.side === 'right') {
    return interpolate(gettext('Right side, set %(set)s of %(total)s'), values, true);
  }
  return interpolate(gettext('Set %(set)s of %(total)s'), values, true);
}

async function openCamera() {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw Object.assign(new Error('getUserMedia is not available'), { name: 'NotSupportedError' });
  }
  const size = isSlowDevice()
    ? { width: { ideal: 640 }, height: { ideal: 480 } }
    : { width: { ideal: 1280 }, height: { ideal: 720 } };
  return navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: 'user', frameRate: { ideal: 30, max: 30 }, ...size },
  });
}

function cameraFailure(error) {
  switch (error?.name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'refused';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
    case 'NotSupportedError':
      return 'no_camera';
    default:
      return 'camera_failed';
  }
}

function stopStream(stream) {
  for (const track of stream.getTracks()) track.stop();
}

const root = document.getElementById('live');
if (root) new LivePage(root).init();
