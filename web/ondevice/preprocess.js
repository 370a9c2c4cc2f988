// The server's photo -> 32x32 reduction (classifier/images.py + classifier/predict.py), step for step,
// so the browser feeds the network the same pixels. Pure functions on RGB arrays: Node runs them too.
//
//   1. JPEG draft: the server decodes a JPEG whose sides are both >= 2 x 512 at 1/2, 1/4 or 1/8 scale
//      (libjpeg's DCT scaling). The browser decodes at full size and box-averages by the same factor
//      in the file's stored orientation (the partial box is at the stored right/bottom edge).
//   2. EXIF orientation applied (the browser's decoder does it; we only need to know it for step 1).
//   3. Transparency composited on white (Pillow's alpha_composite arithmetic).
//   4. Box reduction by a whole factor while the short side stays >= 3 x 32 (Pillow's Image.reduce,
//      with its fixed-point rounding).
//   5. Lanczos to 32x32 over the centre crop (ImageOps.fit) or the whole picture (squash), Pillow's
//      two-pass resampler with its 22-bit fixed-point coefficients.

export const IMAGE_SIZE = 32;
export const PREVIEW_SIZE = 512;
export const REDUCE_GAP = 3;

// An image here: {data: Uint8Array of RGB triples, width, height}.

export function rgbaOnWhite(rgba, width, height) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    const a = rgba[i + 3];
    if (a === 255) {
      data[j] = rgba[i];
      data[j + 1] = rgba[i + 1];
      data[j + 2] = rgba[i + 2];
    } else if (a === 0) {
      data[j] = data[j + 1] = data[j + 2] = 255;
    } else {
      // Pillow's AlphaComposite.c over an opaque white background (PRECISION_BITS 7).
      const coef1 = Math.floor((a * 255 * 255 * 128) / (a * 255 + 255 * (255 - a)));
      const coef2 = 255 * 128 - coef1;
      for (let c = 0; c < 3; c++) {
        const tmp = rgba[i + c] * coef1 + 255 * coef2 + (0x80 << 7);
        data[j + c] = (((tmp >>> 8) + tmp) >>> 8) >>> 7;
      }
    }
  }
  return { data, width, height };
}

// Pillow's division_UINT32: a float32 reciprocal, truncated.
function multiplierFor(count) {
  return Math.trunc(Math.fround(4294967296 / Math.fround(256 * count)));
}

// Image.reduce(factor): the mean of each factor x factor box, last boxes partial. With `startX` /
// `startY` the partial boxes are at the left / top edge instead (a stored image seen mirrored).
export function reduceBox(image, factor, startX = false, startY = false) {
  const { data, width, height } = image;
  const outW = Math.ceil(width / factor);
  const outH = Math.ceil(height / factor);
  const out = new Uint8Array(outW * outH * 3);
  const spans = (size, outSize, atStart) => {
    const rest = size % factor;
    const list = [];
    for (let i = 0; i < outSize; i++) {
      let from = i * factor;
      let to = Math.min(from + factor, size);
      if (atStart && rest) {
        from = i === 0 ? 0 : rest + (i - 1) * factor;
        to = i === 0 ? rest : from + factor;
      }
      list.push([from, to]);
    }
    return list;
  };
  const xs = spans(width, outW, startX);
  const ys = spans(height, outH, startY);
  for (let oy = 0; oy < outH; oy++) {
    const [y0, y1] = ys[oy];
    for (let ox = 0; ox < outW; ox++) {
      const [x0, x1] = xs[ox];
      const count = (y1 - y0) * (x1 - x0);
      const multiplier = multiplierFor(count);
      const amend = Math.floor(count / 2);
      let s0 = amend, s1 = amend, s2 = amend;
      for (let y = y0; y < y1; y++) {
        let p = (y * width + x0) * 3;
        for (let x = x0; x < x1; x++, p += 3) {
          s0 += data[p];
          s1 += data[p + 1];
          s2 += data[p + 2];
        }
      }
      const o = (oy * outW + ox) * 3;
      out[o] = Math.floor((s0 * multiplier) / 16777216) & 255;
      out[o + 1] = Math.floor((s1 * multiplier) / 16777216) & 255;
      out[o + 2] = Math.floor((s2 * multiplier) / 16777216) & 255;
    }
  }
  return { data: out, width: outW, height: outH };
}

function sinc(x) {
  if (x === 0.0) return 1.0;
  x *= Math.PI;
  return Math.sin(x) / x;
}

function lanczos(x) {
  return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
}

const PRECISION_BITS = 32 - 8 - 2;

// Resample.c precompute_coeffs + normalize_coeffs_8bpc.
function coefficients(inSize, in0, in1, outSize) {
  const scale = (in1 - in0) / outSize;
  const filterscale = scale < 1.0 ? 1.0 : scale;
  const support = 3.0 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const kk = new Int32Array(outSize * ksize);
  const bounds = new Int32Array(outSize * 2);
  const weights = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    const ss = 1.0 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0.0;
    for (let x = 0; x < xmax; x++) {
      const w = lanczos((x + xmin - center + 0.5) * ss);
      weights[x] = w;
      ww += w;
    }
    for (let x = 0; x < ksize; x++) {
      let w = x < xmax ? weights[x] : 0.0;
      if (x < xmax && ww !== 0.0) w /= ww;
      kk[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * (1 << PRECISION_BITS)) : Math.trunc(0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, kk, bounds };
}

function clip8(value) {
  const v = Math.floor(value / (1 << PRECISION_BITS));
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

// Image.resize((w, h), LANCZOS, box): horizontal pass over the rows the vertical pass needs, then vertical.
export function resizeLanczos(image, outW, outH, box) {
  const [bx0, by0, bx1, by1] = box || [0, 0, image.width, image.height];
  if (outW === image.width && outH === image.height && bx0 === 0 && by0 === 0 && bx1 === image.width && by1 === image.height) {
    return { data: image.data.slice(), width: outW, height: outH };
  }
  const needH = outW !== image.width || bx0 !== 0 || bx1 !== outW;
  const needV = outH !== image.height || by0 !== 0 || by1 !== outH;
  const horizontal = coefficients(image.width, bx0, bx1, outW);
  const vertical = coefficients(image.height, by0, by1, outH);
  const yFirst = vertical.bounds[0];
  const yLast = vertical.bounds[outH * 2 - 2] + vertical.bounds[outH * 2 - 1];
  let current = image;
  if (needH) {
    for (let i = 0; i < outH; i++) vertical.bounds[i * 2] -= yFirst;
    const rows = yLast - yFirst;
    const out = new Uint8Array(outW * rows * 3);
    const { ksize, kk, bounds } = horizontal;
    for (let yy = 0; yy < rows; yy++) {
      const row = (yy + yFirst) * image.width * 3;
      for (let xx = 0; xx < outW; xx++) {
        const xmin = bounds[xx * 2];
        const xmax = bounds[xx * 2 + 1];
        const k = xx * ksize;
        let s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
        for (let x = 0; x < xmax; x++) {
          const p = row + (x + xmin) * 3;
          const w = kk[k + x];
          s0 += image.data[p] * w;
          s1 += image.data[p + 1] * w;
          s2 += image.data[p + 2] * w;
        }
        const o = (yy * outW + xx) * 3;
        out[o] = clip8(s0);
        out[o + 1] = clip8(s1);
        out[o + 2] = clip8(s2);
      }
    }
    current = { data: out, width: outW, height: rows };
  }
  if (needV) {
    const width = current.width;
    const out = new Uint8Array(width * outH * 3);
    const { ksize, kk, bounds } = vertical;
    for (let yy = 0; yy < outH; yy++) {
      const ymin = bounds[yy * 2];
      const ymax = bounds[yy * 2 + 1];
      const k = yy * ksize;
      for (let xx = 0; xx < width; xx++) {
        let s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
        for (let y = 0; y < ymax; y++) {
          const p = ((y + ymin) * width + xx) * 3;
          const w = kk[k + y];
          s0 += current.data[p] * w;
          s1 += current.data[p + 1] * w;
          s2 += current.data[p + 2] * w;
        }
        const o = (yy * width + xx) * 3;
        out[o] = clip8(s0);
        out[o + 1] = clip8(s1);
        out[o + 2] = clip8(s2);
      }
    }
    current = { data: out, width, height: outH };
  }
  return current;
}

// ImageOps.fit's centre crop box (no bleed, centring 0.5).
export function centreCrop(width, height, size = IMAGE_SIZE) {
  const liveRatio = width / height;
  const outputRatio = size / size;
  let cropW = width;
  let cropH = height;
  if (liveRatio === outputRatio) {
    // already square
  } else if (liveRatio >= outputRatio) {
    cropW = outputRatio * height;
  } else {
    cropH = width / outputRatio;
  }
  const left = (width - cropW) * 0.5;
  const top = (height - cropH) * 0.5;
  return [left, top, left + cropW, top + cropH];
}

// The JPEG draft factor Pillow's JpegImageFile.draft picks for a (stored) width x height.
export function draftFactor(width, height, draftSize = PREVIEW_SIZE) {
  const scale = Math.min(Math.floor(width / draftSize), Math.floor(height / draftSize));
  for (const s of [8, 4, 2, 1]) if (scale >= s) return s;
  return 1;
}

// EXIF orientation -> whether the displayed x / y axis runs backwards along a stored axis, and
// whether the axes are swapped (orientations 5-8 turn the picture a quarter).
const ORIENTATION_AXES = {
  1: [false, false, false],
  2: [true, false, false],
  3: [true, true, false],
  4: [false, true, false],
  5: [false, false, true],
  6: [true, false, true],
  7: [true, true, true],
  8: [false, true, true],
};

// `decoded`: the upright full-size RGB image the browser decoded; `jpeg`: {orientation} for a JPEG.
// Returns the upright image the server has after Image.open + draft + exif_transpose.
export function asServerDecodes(decoded, jpeg) {
  if (!jpeg) return decoded;
  const swapped = (ORIENTATION_AXES[jpeg.orientation] || ORIENTATION_AXES[1])[2];
  const storedW = swapped ? decoded.height : decoded.width;
  const storedH = swapped ? decoded.width : decoded.height;
  const factor = draftFactor(storedW, storedH);
  if (factor < 2) return decoded;
  // The stored right/bottom edge, seen upright: where do the partial boxes land?
  const [reverseX, reverseY] = ORIENTATION_AXES[jpeg.orientation] || ORIENTATION_AXES[1];
  return reduceBox(decoded, factor, reverseX, reverseY);
}

// classifier.images.fit_to_input on the upright RGB image.
export function fitToInput(image, fit = "crop", size = IMAGE_SIZE) {
  const factor = Math.floor(Math.min(image.width, image.height) / (REDUCE_GAP * size));
  const reduced = factor >= 2 ? reduceBox(image, factor) : image;
  const box = fit === "crop" ? centreCrop(reduced.width, reduced.height, size) : null;
  return resizeLanczos(reduced, size, size, box).data;
}

// The EXIF orientation of a JPEG (1 when absent): the APP1 "Exif" segment's IFD0 tag 0x0112.
export function jpegOrientation(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  while (offset + 4 <= view.byteLength) {
    if (view.getUint8(offset) !== 0xff) return 1;
    const marker = view.getUint8(offset + 1);
    if (marker === 0xda || marker === 0xd9) return 1; // start of scan: no EXIF before the pixels
    const length = view.getUint16(offset + 2);
    if (marker === 0xe1 && offset + 10 <= view.byteLength && view.getUint32(offset + 4) === 0x45786966) {
      const tiff = offset + 10;
      if (tiff + 8 > view.byteLength) return 1;
      const little = view.getUint16(tiff) === 0x4949;
      const ifd = tiff + view.getUint32(tiff + 4, little);
      if (ifd + 2 > view.byteLength) return 1;
      const entries = view.getUint16(ifd, little);
      for (let i = 0; i < entries; i++) {
        const entry = ifd + 2 + i * 12;
        if (entry + 12 > view.byteLength) return 1;
        if (view.getUint16(entry, little) === 0x0112) {
          const value = view.getUint16(entry + 8, little);
          return value >= 1 && value <= 8 ? value : 1;
        }
      }
      return 1;
    }
    offset += 2 + length;
  }
  return 1;
}

export function isJpeg(bytes) {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}
