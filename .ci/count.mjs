// Sums JUnit reports (Deno's, Bun's and Node's) into one line "N passed, N failed".
// Deno lists a describe block as a test case and its `it`s as "block > name": containers are
// left out so that both runtimes count the same leaf tests. Node marks a failed case with a
// `failure` attribute too, whose message may hold ">" or "/>": attributes are read as quoted
// strings.
import { readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  let xml;
  try {
    xml = readFileSync(file, "utf8");
  } catch {
    console.log(`missing report: ${file}`);
    failed++;
    continue;
  }
  const cases = [];
  const re = /<testcase\s+name="([^"]*)"((?:[^>"]|"[^"]*")*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (let m; (m = re.exec(xml));) {
    cases.push({
      name: m[1],
      failed: /\sfailure="/.test(m[2]) || /<(failure|error)\b/.test(m[4] ?? ""),
    });
  }
  const names = cases.map((c) => c.name);
  for (const c of cases) {
    if (names.some((n) => n.startsWith(c.name + " &gt; "))) continue;
    if (c.failed) failed++;
    else passed++;
  }
}
console.log(`${passed} passed, ${failed} failed`);
