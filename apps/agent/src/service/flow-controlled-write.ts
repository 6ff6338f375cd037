import type { ServerDuplexStream, ServerWritableStream } from "@grpc/grpc-js";

/**
 * Writes, then waits while the call's send buffer is full: flow control end to end. A call
 * that ends meanwhile (the hub cancelled) ends the wait too.
 */
export async function writeFlowControlled<T>(
  call: ServerWritableStream<unknown, T> | ServerDuplexStream<unknown, T>,
  message: T,
): Promise<void> {
  if (call.write(message) || call.cancelled) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      call.off("drain", done).off("close", done).off("cancelled", done);
      resolve();
    };
    call.on("drain", done).on("close", done).on("cancelled", done);
  });
}
