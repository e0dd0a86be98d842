/** The logging calls the control plane makes (pino's signature, so a pino logger fits). */
export interface MeshLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A logger that drops everything (the default). */
export const SILENT: MeshLogger = { info: () => {}, warn: () => {}, error: () => {} };
