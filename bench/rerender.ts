// Re-renders RESULTS.md from results.json (e.g. after changing the report's layout).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeReport, type Report } from './lib/report.ts';

const dir = path.resolve(process.argv[2] ?? path.dirname(new URL(import.meta.url).pathname));
const report = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as Report;
await writeReport(report, dir);
