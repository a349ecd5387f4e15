// Calls grpc.health.v1.Health/Check on every service given on the command line with the
// standard Connect client for Node.js, over HTTP/1.1, in both codecs and with GET, and checks
// that a health query for an unknown service comes back as the Connect error not_found. Through
// the gateway, a registration with three bad fields must come back as invalid_argument whose
// google.rpc.BadRequest detail, decoded by the client's findDetails, names all three.
//
//   node check.mjs GEN_DIR listings=127.0.0.1:8081 ... gateway=127.0.0.1:8080
//
// GEN_DIR holds the protoc-gen-es output for grpc/health/v1/health.proto,
// market/identity/v1/identity.proto and google/rpc/error_details.proto.
import { createClient, ConnectError, Code } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [genDir, ...targets] = process.argv.slice(2);
const generated = (file) => import(pathToFileURL(path.join(genDir, file)).href);
const health = await generated("grpc/health/v1/health_pb.js");
const identity = await generated("market/identity/v1/identity_pb.js");
const errorDetails = await generated("google/rpc/error_details_pb.js");

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

// Every bad field of a registration, in the order the gateway checks them.
const expectedViolations = [
  ["email", "must be an address like name@example.com"],
  ["password", "must have 10 to 128 characters"],
  ["country", 'must be an ISO 3166-1 alpha-2 code such as "DE"'],
];

async function checkFieldViolations(address, variant) {
  const transport = createConnectTransport({
    baseUrl: `http://${address}`,
    httpVersion: "1.1",
    useBinaryFormat: variant.useBinaryFormat,
  });
  const client = createClient(identity.IdentityService, transport);
  const what = `gateway ${variant.name} register with three bad fields`;
  try {
    await client.register(
      {
        email: "not-an-email",
        password: "short",
        displayName: "Three Faults",
        country: "XX",
        roles: [identity.Role.CLIENT],
        preferredCurrency: "EUR",
      },
      { timeoutMs: 5000 },
    );
    record(false, what, "answered instead of invalid_argument");
  } catch (error) {
    const connectError = ConnectError.from(error);
    record(connectError.code === Code.InvalidArgument, `${what}: code`,
           `code ${Code[connectError.code]}`);
    const badRequests = connectError.findDetails(errorDetails.BadRequestSchema);
    const got = badRequests.flatMap((detail) =>
      detail.fieldViolations.map((violation) => [violation.field, violation.description]));
    record(JSON.stringify(got) === JSON.stringify(expectedViolations), `${what}: violations`,
           JSON.stringify(got));
    const message = expectedViolations.map(([field, rule]) => `${field}: ${rule}`).join("; ");
    record(connectError.rawMessage === message, `${what}: message`, connectError.rawMessage);
  }
}

for (const target of targets) {
  const [service, address] = target.split("=");
  if (service !== "gateway") continue;
  for (const variant of variants.filter((v) => !v.useHttpGet)) {
    await checkFieldViolations(address, variant);
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
