import type { handleUnaryCall } from "@grpc/grpc-js";
import type {
  ApplyConnectorRequest,
  ApplyConnectorResponse,
  ConnectorInfo,
  DeleteConnectorRequest,
  DeleteConnectorResponse,
  ListConnectorsRequest,
  ListConnectorsResponse,
} from "@warren/proto";

import { refuse } from "../errors.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";
import type { ConnectorBook, StoredConnector } from "../login/connector-book.js";

export interface ConnectorAdminDeps extends AdminHandlerDeps {
  connectors: ConnectorBook;
}

const MAX_CONNECTOR_DOCUMENT_BYTES = 64 * 1024;

const connectorInfo = (connector: StoredConnector): ConnectorInfo => ({
  name: connector.spec.name,
  kind: connector.spec.kind,
  document: connector.document,
  updatedAtUnixMs: connector.updatedAt.getTime(),
  labels: connector.spec.labels ?? {},
});

export interface ConnectorAdmin {
  applyConnector: handleUnaryCall<ApplyConnectorRequest, ApplyConnectorResponse>;
  listConnectors: handleUnaryCall<ListConnectorsRequest, ListConnectorsResponse>;
  deleteConnector: handleUnaryCall<DeleteConnectorRequest, DeleteConnectorResponse>;
}

export function connectorAdmin(deps: ConnectorAdminDeps): ConnectorAdmin {
  const { connectors, logger: log } = deps;
  return {
    applyConnector: adminHandler(
      deps,
      "ApplyConnector",
      async (call, admin) => {
        if (Buffer.byteLength(call.request.document) > MAX_CONNECTOR_DOCUMENT_BYTES) {
          throw refuse.invalid(
            `the connector document is larger than ${String(MAX_CONNECTOR_DOCUMENT_BYTES)} bytes`,
          );
        }
        const { connector, created } = await connectors.apply(call.request.document);
        log.info(
          { connector: connector.spec.name, kind: connector.spec.kind, admin, created },
          "connector applied",
        );
        return { connector: connectorInfo(connector), created };
      },
      (_request, response) => ({
        verb: "apply",
        resource: "connectors",
        name: response?.connector?.name ?? "",
      }),
    ),

    listConnectors: adminHandler(deps, "ListConnectors", async () => ({
      connectors: (await connectors.list()).map(connectorInfo),
    })),

    deleteConnector: adminHandler(
      deps,
      "DeleteConnector",
      async (call, admin) => {
        if (!(await connectors.delete(call.request.name))) {
          throw refuse.notFound(
            `there is no connector ${call.request.name} (see warrenctl connectors ls)`,
          );
        }
        log.info({ connector: call.request.name, admin }, "connector deleted");
        return {};
      },
      (request) => ({ verb: "delete", resource: "connectors", name: request.name }),
    ),
  };
}
