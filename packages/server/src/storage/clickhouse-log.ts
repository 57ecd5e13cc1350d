/** The slice of a pino logger the event-store adapters use (pino's Logger satisfies it). */
export interface StoreLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** For tests and tools that want no output. */
export const silentLog: StoreLog = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
