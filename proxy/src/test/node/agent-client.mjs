// The official MCP TypeScript SDK's stdio client, as an agent would run the proxy: it starts the
// command given as arguments, makes calls, then closes as the SDK does (stdin closed, 2 s, SIGTERM,
// 2 s, SIGKILL). Prints one JSON line: what the calls returned and how the process ended.
// SCENARIO=idle: two calls in two profiles, then close. SCENARIO=in-flight: a slow call still
// running when close begins.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const [command, ...args] = process.argv.slice(2);
const transport = new StdioClientTransport({ command, args, env: process.env, stderr: 'inherit' });
const client = new Client({ name: 'ts-sdk-agent', version: '1.0.0' });
await client.connect(transport);
const out = { tools: (await client.listTools()).tools.map(t => t.name), results: [] };
for (const profile of ['dev', 'prod']) {
  const r = await client.callTool({ name: 'aws___call_aws', arguments: { cli_command: 'aws s3 ls', aws_profile: profile } });
  out.results.push(r.content[0].text);
}
if (process.env.SCENARIO === 'in-flight') {
  client.callTool({ name: 'slow', arguments: { ms: 30000 } }).catch(e => { out.inFlightError = String(e.message); });
  await new Promise(resolve => setTimeout(resolve, 500));
}
// The SDK keeps its child process private; watched here to time the exit and see which signals close() sent.
const child = transport._process;
const started = Date.now();
out.signalsSent = [];
const kill = child.kill.bind(child);
child.kill = signal => { out.signalsSent.push(signal); return kill(signal); };
child.once('exit', (code, signal) => { out.exitedAfterMs = Date.now() - started; out.exitCode = code; out.exitSignal = signal; });
await client.close();
out.closeMs = Date.now() - started;
console.log(JSON.stringify(out));
