/**
 * @module cluster/crd-cel-error
 * The error a CEL library function of the emulator throws: its message is cel-go's text for it
 * (crd-cel reports it as `<text> evaluating rule: ...`).
 */
export class CelFunctionError extends Error {}
