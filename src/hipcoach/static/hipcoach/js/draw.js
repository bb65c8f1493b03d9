/**
 * The skeleton drawn over the camera picture.
 *
 * Landmarks arrive normalised to the camera image (docs/landmarks-format.md); the canvas lies
 * exactly over the <video> element, whose picture is letter-boxed inside it (`object-fit:
 * contain`) and, for a user-facing camera, mirrored like a mirror. Bones touching the landmarks
 * the server names in `pose.fault_landmarks` are drawn in the fault colour and thicker, so the
 * difference does not rest on colour alone.
 */

/** BlazePose bones: the same list as coach.landmarks.SKELETON on the server. */
export const BONES = Object.freeze([
  [11, 12], [11, 13], [13, 15], [12, 14], [14, 16],
  [11, 23], [12, 24], [23, 24],
  [23, 25], [25, 27], [27, 29], [29, 31], [27, 31],
  [24, 26], [26, 28], [28, 30], [30, 32], [28, 32],
]);

/** A landmark is drawn only when the model is fairly sure it can see it. */
export const MIN_VISIBILITY = 0.5;

const COLOURS = Object.freeze({
  bone: '#ffffff',      // on a dark outline: readable on light and dark rooms alike
  fault: '#ff5a1f',     // strong orange-red, also drawn thicker
  outline: '#000000',
});

/**
 * Where the video's picture lies inside an element of the given size (object-fit: contain).
 * @returns {{x: number, y: number, width: number, height: number}}
 */
export function containRect(boxWidth, boxHeight, imageWidth, imageHeight) {
  if (!imageWidth || !imageHeight || !boxWidth || !boxHeight) {
    return { x: 0, y: 0, width: boxWidth, height: boxHeight };
  }
  const scale = Math.min(boxWidth / imageWidth, boxHeight / imageHeight);
  const width = imageWidth * scale;
  const height = imageHeight * scale;
  return { x: (boxWidth - width) / 2, y: (boxHeight - height) / 2, width, height };
}

/**
 * Which bones to draw in the fault colour. The server names single joints (the vertex of the
 * angle that is wrong) or groups of joints: a bone is faulty when both its ends are named, or
 * when one end is named and that joint has no named neighbour (a lone joint: all its bones).
 * @param {Iterable<number>} faultLandmarks
 * @returns {Set<number>} indices into BONES
 */
export function faultBones(faultLandmarks) {
  const named = new Set(faultLandmarks ?? []);
  const paired = new Set();
  for (const [a, b] of BONES) {
    if (named.has(a) && named.has(b)) {
      paired.add(a);
      paired.add(b);
    }
  }
  const lone = (i) => named.has(i) && !paired.has(i);
  const out = new Set();
  BONES.forEach(([a, b], index) => {
    if ((named.has(a) && named.has(b)) || lone(a) || lone(b)) out.add(index);
  });
  return out;
}

export class SkeletonPainter {
  /**
   * @param {HTMLCanvasElement} canvas laid exactly over `video`
   * @param {HTMLVideoElement} video
   */
  constructor(canvas, video) {
    this.canvas = canvas;
    this.video = video;
    this.context = canvas.getContext('2d');
    this.mirrored = false;
  }

  /** Match the canvas's pixels to its size on screen; returns the device pixel ratio. */
  #fit() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(this.canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(this.canvas.clientHeight * ratio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    return ratio;
  }

  clear() {
    this.context?.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /**
   * @param {{landmarks: number[][], image_width: number, image_height: number} | null} frame
   * @param {Iterable<number>} faultLandmarks indices from the server's last `pose`
   */
  draw(frame, faultLandmarks = []) {
    const ctx = this.context;
    if (!ctx) return;
    const ratio = this.#fit();
    this.clear();
    if (!frame) return;
    const rect = containRect(
      this.canvas.width, this.canvas.height, frame.image_width, frame.image_height,
    );
    const mirrored = this.mirrored;
    const points = frame.landmarks.map(([x, y, , visibility]) => ({
      x: rect.x + (mirrored ? 1 - x : x) * rect.width,
      y: rect.y + y * rect.height,
      seen: visibility >= MIN_VISIBILITY,
    }));
    const faulty = faultBones(faultLandmarks);
    const faultJoints = new Set(faultLandmarks ?? []);
    const base = Math.max(3, rect.height / 110) * Math.max(1, ratio / 1.5);

    const bones = BONES
      .map(([a, b], index) => ({ a: points[a], b: points[b], fault: faulty.has(index) }))
      .filter(({ a, b }) => a.seen && b.seen);
    ctx.lineCap = 'round';
    // Outline first, then colour: plain bones, then faulty ones on top.
    for (const { a, b, fault } of bones) {
      this.#line(a, b, (fault ? base * 1.8 : base) + base * 0.9, COLOURS.outline);
    }
    for (const { a, b } of bones.filter((bone) => !bone.fault)) {
      this.#line(a, b, base, COLOURS.bone);
    }
    for (const { a, b } of bones.filter((bone) => bone.fault)) {
      this.#line(a, b, base * 1.8, COLOURS.fault);
    }
    const joints = new Set(bones.flatMap(({ a, b }) => [a, b]));
    points.forEach((point, index) => {
      if (!joints.has(point)) return;
      const fault = faultJoints.has(index);
      const radius = fault ? base * 2.2 : base * 1.2;
      this.#dot(point, radius + base * 0.5, COLOURS.outline);
      this.#dot(point, radius, fault ? COLOURS.fault : COLOURS.bone);
    });
  }

  #line(a, b, width, colour) {
    const ctx = this.context;
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
  }

  #dot(point, radius, colour) {
    const ctx = this.context;
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.arc(point.x, point.y, radius, 0, 2 * Math.PI);
    ctx.fill();
  }
}
