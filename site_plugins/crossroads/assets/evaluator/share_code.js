// Crossroads evaluator: the share-link code.
//
// Share links carry the assessment after "#": "a=" and base64url of its JSON
// (the first form, still read, and still written while the link is short),
// or "z=" and base64url of the JSON compressed with deflate-raw (written for
// long links when it is shorter). Pure functions: no DOM, so that
// tests/site/test_cases.py runs them on Node.

import { CheckError, MAX_FILE_BYTES, parseJSON } from "./check.js";
import { t } from "./i18n.js";

export const MAX_FRAGMENT_CHARS = 400000; // what a receiving page accepts after "#a=" or "#z="

// The first form, "a=": kept as it was (render.share_code writes it for the
// case pages, and tests/site/test_cases.py runs these two functions).
export function encodeFragment(value) {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeFragment(code) {
  return fragmentJSON(fragmentBytes(code));
}

function fragmentBytes(code) {
  if (code.length > MAX_FRAGMENT_CHARS) throw new CheckError(t("link.too_long"));
  if (!/^[A-Za-z0-9_-]*$/.test(code)) throw new CheckError(t("link.characters"));
  let binary;
  try {
    const padded = code.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((code.length + 3) % 4);
    binary = atob(padded);
  } catch {
    throw new CheckError(t("link.decode"));
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function fragmentJSON(bytes) {
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CheckError(t("link.not_text"));
  }
  return parseJSON(text);
}

// The second form, "z=": the JSON compressed with deflate-raw.
export async function compressFragment(value) {
  if (typeof CompressionStream !== "function") return null;
  const stream = new Blob([JSON.stringify(value)]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function decodeCompressedFragment(code) {
  return fragmentJSON(await inflate(fragmentBytes(code), MAX_FILE_BYTES));
}

// Inflate at most `limit` bytes: a small link must not unpack into gigabytes.
async function inflate(bytes, limit) {
  if (typeof DecompressionStream !== "function") {
    throw new CheckError(t("link.no_inflate"));
  }
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        reader.cancel().catch(() => {});
        throw new CheckError(t("link.too_large", { size: Math.round(limit / 1024 / 1024) }));
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof CheckError) throw error;
    throw new CheckError(t("link.inflate"));
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
