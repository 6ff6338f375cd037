import { EventEmitter, once } from "node:events";
import { connect as connectHttp2, createServer, type Settings } from "node:http2";
import { connect, type AddressInfo } from "node:net";

import { status } from "@grpc/grpc-js";
import { AgentServiceService } from "@warren/proto";
import { afterEach, describe, expect, it } from "vitest";

import type { TunnelError } from "../errors.js";
import { frameMessage } from "./grpc-framing.js";
import { Http2GrpcClient } from "./http2-grpc-client.js";
import { Http2GrpcServer } from "./http2-grpc-server.js";

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let port = 0;

/** Our server on a loopback port and our client on one connection to it. */
async function pair(server: Http2GrpcServer): Promise<Http2GrpcClient> {
  port = await server.listen("127.0.0.1", 0);
  const socket = connect({ host: "127.0.0.1", port });
  await once(socket, "connect");
  const client = new Http2GrpcClient(socket);
  cleanups.push(
    () => server.shutdown(0),
    () => {
      client.destroy();
    },
  );
  return client;
}

async function failure(promise: Promise<unknown>): Promise<TunnelError> {
  try {
    await promise;
  } catch (error) {
    return error as TunnelError;
  }
  throw new Error("the call succeeded");
}

describe("Http2GrpcServer", () => {
  it("answers a unary call, and UNIMPLEMENTED naming a method it does not serve", async () => {
    const server = new Http2GrpcServer().add(AgentServiceService.ping, async (call) => {
      const first = await call.requests.next();
      void call.write({ payload: first.done ? Buffer.alloc(0) : first.value.payload });
      call.end();
    });
    const client = await pair(server);
    const answer = await client.unary(AgentServiceService.ping, { payload: Buffer.from("hi") });
    expect(Buffer.from(answer.payload).toString()).toBe("hi");
    const refused = await failure(
      client.unary(AgentServiceService.setHubReplicas, { replicas: [] }),
    );
    expect(refused.grpcStatus).toBe(status.UNIMPLEMENTED);
    expect(refused.message).toBe("unknown method /warren.v1.AgentService/SetHubReplicas");
  });

  it("ends a call with the status its handler gives, or INTERNAL when the handler throws", async () => {
    const errors: unknown[] = [];
    const server = new Http2GrpcServer({ onHandlerError: (error) => errors.push(error) })
      .add(AgentServiceService.checkHealth, (call) => {
        call.end(status.FAILED_PRECONDITION, "no cluster here");
      })
      .add(AgentServiceService.ping, () => {
        throw new Error("a bug");
      });
    const client = await pair(server);
    const refused = await failure(client.unary(AgentServiceService.checkHealth, {}));
    expect([refused.grpcStatus, refused.message]).toEqual([
      status.FAILED_PRECONDITION,
      "no cluster here",
    ]);
    const broken = await failure(
      client.unary(AgentServiceService.ping, { payload: Buffer.alloc(0) }),
    );
    expect([broken.grpcStatus, broken.message]).toEqual([status.INTERNAL, "a bug"]);
    expect(errors).toHaveLength(1);
  });

  it("finishes a call with its last responses and OK, each arriving whole", async () => {
    const server = new Http2GrpcServer().add(AgentServiceService.echo, (call) => {
      call.finish([{ payload: Buffer.from("head") }, { payload: Buffer.alloc(100_000, 7) }]);
      // Dropped: the call has ended.
      void call.write({ payload: Buffer.from("late") });
    });
    const client = await pair(server);
    const call = client.call(AgentServiceService.echo);
    call.end();
    const lengths: number[] = [];
    // A status other than OK would throw here.
    for await (const response of call) lengths.push(response.payload.length);
    expect(lengths).toEqual([4, 100_000]);
  });

  it("announces 64 KiB frames on both ends, so bulk bytes cross in fewer frames", async () => {
    const server = new Http2GrpcServer().add(AgentServiceService.ping, () => undefined);
    await pair(server);
    const session = connectHttp2(`http://127.0.0.1:${String(port)}`);
    cleanups.push(() => {
      session.destroy();
    });
    await once(session, "remoteSettings");
    expect(session.remoteSettings.maxFrameSize).toBe(64 * 1024);
    // And the client, seen from a bare HTTP/2 server.
    const bare = createServer();
    const settings = new Promise<number | undefined>((resolve) => {
      bare.once("session", (peer) => {
        peer.once("remoteSettings", (remote: Settings) => {
          resolve(remote.maxFrameSize);
        });
      });
    });
    bare.listen(0, "127.0.0.1");
    await once(bare, "listening");
    const socket = connect({ host: "127.0.0.1", port: (bare.address() as AddressInfo).port });
    await once(socket, "connect");
    const client = new Http2GrpcClient(socket);
    cleanups.push(() => {
      client.destroy();
      bare.close();
    });
    expect(await settings).toBe(64 * 1024);
  });

  it("aborts the call's signal when the client cancels, and when the deadline passes", async () => {
    const handled = new EventEmitter();
    const server = new Http2GrpcServer().add(AgentServiceService.echo, (call) => {
      handled.emit("call", call.signal);
    });
    const client = await pair(server);
    const reasonOf = async (signal: AbortSignal) => {
      if (!signal.aborted) await once(signal, "abort");
      return (signal.reason as Error).message;
    };
    const first = once(handled, "call") as Promise<[AbortSignal]>;
    const cancelled = client.call(AgentServiceService.echo);
    await cancelled.write({ payload: Buffer.from("x") });
    const [cancelledSignal] = await first;
    cancelled.cancel();
    expect(await reasonOf(cancelledSignal)).toBe("the hub cancelled the call");
    // The deadline alone: a bare HTTP/2 client sends grpc-timeout but never cancels by itself.
    const second = once(handled, "call") as Promise<[AbortSignal]>;
    const session = connectHttp2(`http://127.0.0.1:${String(port)}`);
    cleanups.push(() => {
      session.destroy();
    });
    const late = session.request({
      ":method": "POST",
      ":path": AgentServiceService.echo.path,
      "content-type": "application/grpc+proto",
      te: "trailers",
      "grpc-timeout": "50m",
    });
    // Nothing was answered yet: the status comes trailers-only, in the response headers.
    const answer = once(late, "response") as Promise<[Record<string, string>]>;
    late.write(
      frameMessage(AgentServiceService.echo.requestSerialize({ payload: Buffer.from("y") })),
    );
    const [lateSignal] = await second;
    expect(await reasonOf(lateSignal)).toBe("deadline of 50 ms exceeded");
    expect((await answer)[0]["grpc-status"]).toBe(String(status.DEADLINE_EXCEEDED));
  });
});
