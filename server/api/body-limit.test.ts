import { describe, expect, it } from "vitest";
import { BodyTooLargeError, limitBodyStream, readBodyWithinLimit, withBodyLimit } from "./body-limit";

const LIMIT = 1024;

/** A chunked body (no Content-Length) that counts how much of it was pulled. */
function streamedBody(chunks: number, chunkSize: number) {
  const pulled = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.bytes >= chunks * chunkSize) return controller.close();
      pulled.bytes += chunkSize;
      controller.enqueue(new Uint8Array(chunkSize).fill(97));
    },
  });
  return { stream, pulled };
}

function post(body: BodyInit | null, headers: Record<string, string> = {}) {
  return new Request("http://localhost/api/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

describe("readBodyWithinLimit", () => {
  it("returns a body at the limit", async () => {
    const body = await readBodyWithinLimit(post("a".repeat(LIMIT)), LIMIT);
    expect(body.byteLength).toBe(LIMIT);
  });

  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const { stream, pulled } = streamedBody(100, 1024);
    const request = post(stream, { "content-length": String(100 * 1024) });
    await expect(readBodyWithinLimit(request, LIMIT)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(pulled.bytes).toBeLessThanOrEqual(1024);
  });

  it("stops reading a chunked body as soon as it passes the limit", async () => {
    const { stream, pulled } = streamedBody(10_000, 256);
    await expect(readBodyWithinLimit(post(stream), LIMIT)).rejects.toThrow("larger than the 1 KB");
    // The source is read up to the limit plus what the stream buffers ahead, not 2.5 MB.
    expect(pulled.bytes).toBeLessThan(8 * 1024);
  });
});

describe("limitBodyStream", () => {
  it("passes a body within the limit through unchanged", async () => {
    const text = await new Response(limitBodyStream(new Response("hello").body!, LIMIT)).text();
    expect(text).toBe("hello");
  });

  it("errors once the limit is passed", async () => {
    const { stream } = streamedBody(100, 256);
    await expect(new Response(limitBodyStream(stream, LIMIT)).arrayBuffer()).rejects.toBeInstanceOf(BodyTooLargeError);
  });
});

describe("withBodyLimit", () => {
  const echo = withBodyLimit(async (request) => Response.json({ text: await request.text(), length: request.headers.get("content-length") }), { maxBytes: LIMIT });

  it("hands the handler the whole body with its real length", async () => {
    const { stream } = streamedBody(2, 100);
    const response = await echo(post(stream));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ text: "a".repeat(200), length: "200" });
  });

  it("answers 413 with a clear error before the handler runs", async () => {
    let ran = false;
    const guarded = withBodyLimit(
      () => {
        ran = true;
        return new Response("ok");
      },
      { maxBytes: LIMIT },
    );
    const { stream } = streamedBody(100, 256);
    const response = await guarded(post(stream));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: "PAYLOAD_TOO_LARGE", message: expect.stringContaining("1 KB"), details: { maxBytes: LIMIT } } });
    expect(ran).toBe(false);
  });

  it("uses the route's own refusal and its own limit", async () => {
    const guarded = withBodyLimit(() => new Response("ok"), { maxBytes: 10, onTooLarge: (e) => new Response(`max ${e.maxBytes}`, { status: 413 }) });
    const response = await guarded(post("01234567890"));
    expect([response.status, await response.text()]).toEqual([413, "max 10"]);
  });

  it("passes GET requests through untouched", async () => {
    const guarded = withBodyLimit((request) => new Response(request.method), { maxBytes: 1 });
    const response = await guarded(new Request("http://localhost/api/x"));
    expect(await response.text()).toBe("GET");
  });
});
