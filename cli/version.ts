/** The CLI's version, printed by `clawauth --version` and sent nowhere else. */
export const VERSION = "0.5.0";
