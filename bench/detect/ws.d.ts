/**
 * The few `ws` calls latency.ts makes. `ws` is installed (a dependency of the server's WebSocket
 * plugin) but its types are not, and the benchmark should not add a package for one client.
 */
declare module "ws" {
  export default class WebSocket {
    constructor(url: string);
    once(event: "open", listener: () => void): this;
    once(event: "error", listener: (err: Error) => void): this;
    on(event: "message", listener: (data: Buffer | string) => void): this;
    send(data: string): void;
    close(): void;
  }
}
