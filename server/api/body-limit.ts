/**
 * Request body size limits, enforced before a body is held in memory: a declared Content-Length over the
 * limit is refused without reading a byte, and a body without one (chunked) is counted as it streams in
 * and refused the moment it passes the limit. Every route that reads a body uses this one mechanism,
 * each with its own limit (MAX_REQUEST_BODY_BYTES by default; an upload route passes a larger one).
 */
import { NextRequest } from "next/server";
import { env } from "~/env.js";

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The request body is larger than the ${describeBytes(maxBytes)} this endpoint accepts.`);
    this.name = "BodyTooLargeError";
  }
}

export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** True when the request announces a body larger than maxBytes (so it can be refused unread). */
export function declaresBodyOver(request: Request, maxBytes: number): boolean {
  const declared = request.headers.get("content-length");
  return declared !== null && Number(declared) > maxBytes;
}

/**
 * The body passed through a byte counter that errors with BodyTooLargeError once more than maxBytes went
 * by, for routes that stream a body (to disk, say) instead of holding it.
 */
export function limitBodyStream(body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(new BodyTooLargeError(maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * Reads the whole body, stopping at the first chunk past maxBytes. It stops reading rather than
 * cancelling: cancelling destroys the socket, and the client would never see the 413.
 */
export async function readBodyWithinLimit(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (declaresBodyOver(request, maxBytes)) throw new BodyTooLargeError(maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw new BodyTooLargeError(maxBytes);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The default refusal: the REST API's error envelope with status 413. */
export function bodyTooLargeResponse(error: BodyTooLargeError): Response {
  return Response.json(
    { error: { code: "PAYLOAD_TOO_LARGE", message: `${error.message} Send a smaller body.`, details: { maxBytes: error.maxBytes } } },
    // No "Connection: close": closing while the client is still sending resets the socket, and the client
    // would never read this answer. The unread rest stalls on TCP backpressure until the client stops.
    { status: 413 },
  );
}

type Handler<A extends unknown[]> = (request: NextRequest, ...rest: A) => Response | Promise<Response>;

/**
 * Wraps a route handler so it only ever sees a body within the limit, already in memory: anything
 * larger is answered 413 (by `onTooLarge`) before the handler runs.
 */
export function withBodyLimit<A extends unknown[]>(
  handler: Handler<A>,
  options: { maxBytes?: number; onTooLarge?: (error: BodyTooLargeError) => Response } = {},
): (request: Request, ...rest: A) => Promise<Response> {
  return async (request, ...rest) => {
    if (request.method === "GET" || request.method === "HEAD") return handler(request instanceof NextRequest ? request : new NextRequest(request), ...rest);
    const maxBytes = options.maxBytes ?? env.MAX_REQUEST_BODY_BYTES;
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readBodyWithinLimit(request, maxBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return (options.onTooLarge ?? bodyTooLargeResponse)(error);
      throw error;
    }
    const headers = new Headers(request.headers);
    headers.delete("transfer-encoding");
    headers.set("content-length", String(body.byteLength));
    const buffered = new NextRequest(request.url, { method: request.method, headers, body: body.byteLength ? body : null, signal: request.signal });
    return handler(buffered, ...rest);
  };
}
