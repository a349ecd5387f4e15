// Calls grpc.health.v1.Health/Check on every service given on the command line with the
// standard Connect client for Node.js, over HTTP/1.1, in both codecs and with GET, and checks
// that a health query for an unknown service comes back as the Connect error not_found.
//
//   node check.mjs GEN_DIR listings=127.0.0.1:8081 bidding=127.0.0.1:8082 ...
import { createClient, ConnectError, Code } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [genDir, ...targets] = process.argv.slice(2);
const health = await import(pathToFileURL(path.join(genDir, "grpc/health/v1/health_pb.js")).href);

const variants = [
  { name: "json", useBinaryFormat: false, useHttpGet: false },
  { name: "proto", useBinaryFormat: true, useHttpGet: false },
  { name: "json-get", useBinaryFormat: false, useHttpGet: true },
  { name: "proto-get", useBinaryFormat: true, useHttpGet: true },
];

let passed = 0;
let failed = 0;
function record(ok, what, detail = "") {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${what} ${detail}`);
  }
}

for (const target of targets) {
  const [service, address] = target.split("=");
  for (const variant of variants) {
    const transport = createConnectTransport({
      baseUrl: `http://${address}`,
      httpVersion: "1.1",
      useBinaryFormat: variant.useBinaryFormat,
      useHttpGet: variant.useHttpGet,
    });
    const client = createClient(health.Health, transport);
    const what = `${service} ${variant.name}`;
    try {
      const reply = await client.check({ service: "" }, { timeoutMs: 5000 });
      record(reply.status === health.HealthCheckResponse_ServingStatus.SERVING, what,
             `status ${reply.status}`);
    } catch (error) {
      record(false, what, String(error));
    }
    try {
      await client.check({ service: "no.such.Service" }, { timeoutMs: 5000 });
      record(false, `${what} unknown service`, "answered instead of not_found");
    } catch (error) {
      const code = ConnectError.from(error).code;
      record(code === Code.NotFound, `${what} unknown service`, `code ${Code[code]}`);
    }
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
