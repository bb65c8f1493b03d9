/**
 * Pose landmarking in the browser with MediaPipe Tasks (@mediapipe/tasks-vision), loaded from
 * this site's own static files: the video never leaves the device, only landmarks do.
 *
 *   const pose = await PoseEstimator.create({bundleUrl, wasmUrl, modelUrl, fullModelUrl});
 *   const frame = pose.detect(video, timestampMs);   // a frame object, or null: nobody found
 *
 * Speed: the GPU delegate is tried first where WebGL 2 runs on real hardware, but a software
 * renderer (SwiftShader, llvmpipe) makes it slower than the CPU, so the first frames are timed
 * and a slow set-up steps down: GPU → CPU → CPU with the lite model. Slow devices start with the
 * lite model.
 */

export const LANDMARK_COUNT = 33;

/** Below this many frames per second a set-up is too slow for live coaching. */
const MIN_FPS = 10;
/** Frames timed before judging a set-up (the very first one, which warms up, is not counted). */
const TRIAL_FRAMES = 10;
/** A set-up this much slower than MIN_FPS is given up after 3 frames. */
const HOPELESS_FACTOR = 2;
// The server refuses coordinates beyond these (docs/landmarks-format.md, coach/landmarks.py).
const NORMALISED_LIMIT = 5;
const WORLD_LIMIT_M = 5;

const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render|mesa offscreen/i;

/** A phone, or a computer with few cores or little memory: start with the lite model. */
export function isSlowDevice(nav = navigator) {
  const cores = nav.hardwareConcurrency || 2;
  const memoryGb = nav.deviceMemory ?? 8; // Chromium only; others: don't guess low
  const mobile = nav.userAgentData?.mobile ?? /Android|iPhone|iPad|iPod|Mobile/i.test(nav.userAgent);
  return mobile || cores <= 4 || memoryGb <= 4;
}

/** The WebGL 2 renderer's name, or null where there is no WebGL 2 (the GPU delegate needs it). */
export function webglRenderer() {
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return null;
  }
}

function round(value, digits) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A tasks-vision PoseLandmarkerResult → the frame object of docs/landmarks-format.md, or null
 * when nobody was found or the numbers could not be a body (the server would refuse them).
 */
export function toFrame(result, timestampMs, imageWidth, imageHeight) {
  const points = result?.landmarks?.[0];
  if (!points || points.length !== LANDMARK_COUNT || !imageWidth || !imageHeight) return null;
  const landmarks = [];
  for (const { x, y, z, visibility } of points) {
    if (![x, y, z].every((v) => Number.isFinite(v) && Math.abs(v) <= NORMALISED_LIMIT)) {
      return null;
    }
    const seen = Number.isFinite(visibility) ? Math.min(1, Math.max(0, visibility)) : 0;
    landmarks.push([round(x, 5), round(y, 5), round(z, 5), round(seen, 3)]);
  }
  const frame = {
    timestamp_ms: timestampMs,
    image_width: Math.round(imageWidth),
    image_height: Math.round(imageHeight),
    landmarks,
  };
  const world = result.worldLandmarks?.[0];
  if (
    world?.length === LANDMARK_COUNT &&
    world.every(({ x, y, z }) =>
      [x, y, z].every((v) => Number.isFinite(v) && Math.abs(v) <= WORLD_LIMIT_M))
  ) {
    frame.world_landmarks = world.map(({ x, y, z }) => [round(x, 4), round(y, 4), round(z, 4)]);
  }
  return frame;
}

export class PoseEstimator {
  /**
   * Load the library, the WebAssembly and a model; resolves once a landmarker is ready.
   * @param {object} options
   * @param {string} options.bundleUrl URL of vision_bundle.mjs
   * @param {string} options.wasmUrl URL of the folder holding vision_wasm_internal.{js,wasm}
   * @param {string} options.modelUrl the lite .task bundle (the default on slow devices)
   * @param {string} [options.fullModelUrl] the full .task bundle (more precise, slower)
   * @param {(text: string) => void} [options.log] diagnostics
   */
  static async create({ bundleUrl, wasmUrl, modelUrl, fullModelUrl, log = () => {} }) {
    const vision = await import(bundleUrl);
    const fileset = await vision.FilesetResolver.forVisionTasks(wasmUrl.replace(/\/$/, ''));
    const renderer = webglRenderer();
    const gpuWorthTrying = renderer !== null && !SOFTWARE_GL.test(renderer);
    const lite = modelUrl;
    const first = fullModelUrl && !isSlowDevice() ? fullModelUrl : lite;
    const plan = [];
    if (gpuWorthTrying) plan.push({ delegate: 'GPU', model: first });
    plan.push({ delegate: 'CPU', model: first });
    if (first !== lite) plan.push({ delegate: 'CPU', model: lite });
    log(`webgl: ${renderer ?? 'none'}; plan: ${plan.map(describe).join(' → ')}`);

    const estimator = new PoseEstimator(vision, fileset, plan, log);
    await estimator.#advance(0);
    return estimator;
  }

  #vision;
  #fileset;
  #plan;
  #log;
  #step = -1;
  #landmarker = null;
  #timings = [];
  #frames = 0;
  #judged = false;

  constructor(vision, fileset, plan, log) {
    this.#vision = vision;
    this.#fileset = fileset;
    this.#plan = plan;
    this.#log = log;
  }

  /** e.g. "CPU, lite" — for the diagnostics line. */
  get description() {
    return this.#step >= 0 ? describe(this.#plan[this.#step]) : '';
  }

  /** Create the landmarker of the first workable step at or after `from`. */
  async #advance(from) {
    let lastError = null;
    for (let step = from; step < this.#plan.length; step += 1) {
      const { delegate, model } = this.#plan[step];
      try {
        const landmarker = await this.#vision.PoseLandmarker.createFromOptions(this.#fileset, {
          baseOptions: { modelAssetPath: model, delegate },
          runningMode: 'VIDEO',
          numPoses: 1,
          outputSegmentationMasks: false,
        });
        this.#landmarker?.close();
        this.#landmarker = landmarker;
        this.#step = step;
        this.#timings = [];
        this.#frames = 0;
        this.#judged = false;
        this.#log(`pose: using ${describe(this.#plan[step])}`);
        return;
      } catch (error) {
        lastError = error;
        this.#log(`pose: ${describe(this.#plan[step])} failed: ${error?.message ?? error}`);
      }
    }
    throw lastError ?? new Error('no pose set-up could be created');
  }

  /**
   * Landmarks of the current video frame.
   * @param {HTMLVideoElement} video
   * @param {number} timestampMs must increase from call to call
   * @returns {object | null} a frame object (docs/landmarks-format.md), or null: nobody found
   */
  detect(video, timestampMs) {
    if (!this.#landmarker) return null;
    const started = performance.now();
    const result = this.#landmarker.detectForVideo(video, timestampMs);
    this.#time(performance.now() - started);
    return toFrame(result, timestampMs, video.videoWidth, video.videoHeight);
  }

  /** Time the first frames of a set-up; step down when it is too slow (in the background). */
  #time(elapsedMs) {
    this.#frames += 1;
    if (this.#frames === 1 || this.#judged || this.#step + 1 >= this.#plan.length) return;
    this.#timings.push(elapsedMs);
    const limit = 1000 / MIN_FPS;
    const typical = median(this.#timings);
    const hopeless = this.#timings.length >= 3 && typical > HOPELESS_FACTOR * limit;
    const slow = this.#timings.length >= TRIAL_FRAMES && typical > limit;
    if (this.#timings.length >= TRIAL_FRAMES) this.#judged = true;
    if (!hopeless && !slow) return;
    this.#judged = true;
    this.#log(`pose: ${this.description} too slow (${typical.toFixed(0)} ms a frame)`);
    // Detection goes on with the current landmarker until the next one is ready; if none can
    // be made, the current one stays.
    this.#advance(this.#step + 1).catch(() => {});
  }

  close() {
    this.#landmarker?.close();
    this.#landmarker = null;
  }
}

function describe({ delegate, model }) {
  const name = /full/.test(model) ? 'full' : /heavy/.test(model) ? 'heavy' : 'lite';
  return `${delegate}, ${name}`;
}
