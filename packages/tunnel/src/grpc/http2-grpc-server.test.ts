import { EventEmitter, once } from "node:events";
import { connect } from "node:net";

import { status } from "@grpc/grpc-js";
import { AgentServiceService } from "@warren/proto";
import { afterEach, describe, expect, it } from "vitest";

import type { TunnelError } from "../errors.js";
import { Http2GrpcClient } from "./http2-grpc-client.js";
import { Http2GrpcServer } from "./http2-grpc-server.js";

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Our server on a loopback port and our client on one connection to it. */
async function pair(server: Http2GrpcServer): Promise<Http2GrpcClient> {
  const port = await server.listen("127.0.0.1", 0);
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
    const second = once(handled, "call") as Promise<[AbortSignal]>;
    const late = client.call(AgentServiceService.echo, { timeoutMs: 50 });
    await late.write({ payload: Buffer.from("y") });
    const [lateSignal] = await second;
    expect(await reasonOf(lateSignal)).toBe("deadline of 50 ms exceeded");
  });
});
