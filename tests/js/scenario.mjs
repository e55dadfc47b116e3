// The AWS SDK for JavaScript v3 against omics-mock's server mode.
//
//   node scenario.mjs <endpoint URL> <workflow definition zip>
//
// Fake credentials, retries off, and disableHostPrefix: true (the SDK ignores
// AWS_DISABLE_HOST_PREFIX_INJECTION). The server runs with a time scale, so the
// run and the batch end on their own: no control API call. Prints what it saw
// as one JSON line; tests/test_client_javascript.py checks it.
import { readFileSync } from "node:fs";
import {
  OmicsClient,
  CreateWorkflowCommand,
  GetRunCommand,
  GetBatchCommand,
  ListRunsCommand,
  ListRunTasksCommand,
  StartRunBatchCommand,
  StartRunCommand,
  waitUntilRunCompleted,
  waitUntilWorkflowActive,
} from "@aws-sdk/client-omics";

const [endpoint, definitionPath] = process.argv.slice(2);
const ROLE = "arn:aws:iam::123456789012:role/omics-run";
const OUT = "s3://omics-out/results/";

const omics = new OmicsClient({
  region: "us-east-1",
  endpoint,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  disableHostPrefix: true,
  maxAttempts: 1,
});

async function failure(command) {
  try {
    await omics.send(command);
  } catch (error) {
    return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
  }
  return null;
}

const seen = {};
const workflow = await omics.send(
  new CreateWorkflowCommand({ name: "js-wgs", definitionZip: readFileSync(definitionPath) }),
);
const active = await waitUntilWorkflowActive(
  { client: omics, maxWaitTime: 30, minDelay: 1 },
  { id: workflow.id },
);
seen.workflow = active.state;

const run = await omics.send(
  new StartRunCommand({
    workflowId: workflow.id,
    roleArn: ROLE,
    outputUri: OUT,
    parameters: { sample: "NA12878" },
    requestId: "js-run-1",
  }),
);
seen.startAnswer = run.status;
// Virtual time runs 600 times faster than real time here: under load, the run may
// have left PENDING by the time GetRun arrives.
seen.started = (await omics.send(new GetRunCommand({ id: run.id }))).status;
// The waiter polls at once, then every minDelay seconds: one real second is ten
// virtual minutes at --time-scale 600, longer than the whole run.
const completed = await waitUntilRunCompleted(
  { client: omics, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
  { id: run.id },
);
seen.waiter = completed.state;
const got = await omics.send(new GetRunCommand({ id: run.id }));
seen.run = { id: run.id, status: got.status, stopTime: got.stopTime instanceof Date };

seen.listed = (await omics.send(new ListRunsCommand({}))).items.map((item) => item.id);
seen.tasks = (await omics.send(new ListRunTasksCommand({ id: run.id }))).items.map(
  (task) => task.status,
);

const batch = await omics.send(
  new StartRunBatchCommand({
    batchName: "js-batch",
    defaultRunSetting: { workflowId: workflow.id, roleArn: ROLE, outputUri: OUT },
    batchRunSettings: {
      inlineSettings: [1, 2, 3].map((n) => ({ runSettingId: `s${n}`, parameters: { sample: `S${n}` } })),
    },
  }),
);
const batchStatuses = [];
for (let poll = 0; poll < 300; poll++) {
  const status = (await omics.send(new GetBatchCommand({ batchId: batch.id }))).status;
  if (batchStatuses.at(-1) !== status) batchStatuses.push(status);
  if (["PROCESSED", "FAILED", "CANCELLED"].includes(status)) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
seen.batch = batchStatuses;

seen.notFound = await failure(new GetRunCommand({ id: "9999999" }));
seen.badPriority = await failure(
  new StartRunCommand({
    workflowId: workflow.id,
    roleArn: ROLE,
    outputUri: OUT,
    parameters: { sample: "x" },
    priority: 1000000,
  }),
);
console.log(JSON.stringify(seen));
