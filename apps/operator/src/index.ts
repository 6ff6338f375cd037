export { operatorMain, isOperatorUserError } from "./cli.js";
export { startOperator, type RunningOperator } from "./operator.js";
export {
  loadOperatorConfig,
  operatorOptionSpecs,
  type OperatorConfig,
} from "./config/operator-config.js";
export { OperatorError, OperatorErrorCode } from "./errors.js";
export { crdDocuments } from "./crds/crd-definitions.js";
