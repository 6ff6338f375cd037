import { oneOf } from "@warren/config";
import { TokenType } from "@warren/proto";

import { WarrenctlError, WarrenctlErrorCode } from "../../errors.js";

export const TOKEN_TYPE_NAMES = ["kube", "admin"] as const;
export type TokenTypeName = (typeof TOKEN_TYPE_NAMES)[number];

const WIRE: Readonly<Record<TokenTypeName, TokenType>> = {
  kube: TokenType.TOKEN_TYPE_KUBE,
  admin: TokenType.TOKEN_TYPE_ADMIN,
};

export function tokenTypeToWire(name: string | undefined): TokenType {
  if (name === undefined) {
    throw new WarrenctlError(
      WarrenctlErrorCode.InvalidFlag,
      "--type is required: kube (joins an agent) or admin (enrols warrenctl elsewhere)",
    );
  }
  try {
    return WIRE[oneOf(TOKEN_TYPE_NAMES)(name)];
  } catch (error) {
    throw new WarrenctlError(WarrenctlErrorCode.InvalidFlag, `--type: ${(error as Error).message}`);
  }
}

export function tokenTypeName(type: TokenType): string {
  return TOKEN_TYPE_NAMES.find((name) => WIRE[name] === type) ?? "unknown";
}
