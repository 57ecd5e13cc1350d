import { type LoggerOptions, pino } from "pino";
import { startVigil } from "./app/start-vigil.js";
import { ConfigError, loadConfig } from "./config/config.js";
import { prettyDestination } from "./ops/pretty-log.js";

/** `npm start`: read the configuration, start Vigil, stop cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  // Readable lines for a person at a terminal; JSON for files, pipes, journald and log shippers.
  const pretty =
    config.logFormat === "pretty" || (config.logFormat === "auto" && process.stdout.isTTY === true);
  const options: LoggerOptions = {
    level: config.logLevel,
    // Secrets never reach the logs, whatever a caller passes in.
    redact: {
      paths: [
        "password",
        "*.password",
        "token",
        "*.token",
        "api_key",
        "*.api_key",
        "req.headers.authorization",
        "secret",
        "*.secret",
      ],
      censor: "[redacted]",
    },
  };
  const log = pretty
    ? pino(options, prettyDestination(process.stdout, process.stdout.hasColors?.() ?? false))
    : pino(options);
  const vigil = await startVigil(config, log);
  const ports = vigil.syslog.ports;
  // banner: the pretty formatter boxes this line; in JSON it is an ordinary info record.
  log.info(
    {
      banner: true,
      http: vigil.httpUrl,
      syslog: ports,
      dataDir: config.dataDir,
      eventStore: vigil.eventStore.kind,
      state: vigil.state.kind,
    },
    `Vigil is running: console and API on ${config.http.publicUrl}, syslog on UDP ${ports.udp ?? "-"} / TCP ${ports.tcp ?? "-"}${ports.tls ? ` / TLS ${ports.tls}` : ""}`,
  );
  if (vigil.generatedAdminPassword) {
    // Printed once, on the first start only, straight to the terminal (not to the JSON log).
    process.stdout.write(
      `\n  First start: an administrator was created.\n    username: admin\n    password: ${vigil.generatedAdminPassword}\n  Sign in at ${config.http.publicUrl} and change it (or set VIGIL_ADMIN_PASSWORD before the first start).\n\n`,
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: flushing queued events");
    vigil
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err) => {
  console.error("Vigil could not start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
