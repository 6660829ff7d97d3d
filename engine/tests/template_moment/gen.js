#!/usr/bin/env node
// Regenerates expected.json: every expression of cases.txt evaluated with the real
// moment.js 2.21.0 under several TZ values, with digdag's template result rules.
//
//   cd engine/tests/template_moment
//   npm install            # moment@2.21.0 into ./node_modules (gitignored)
//   node gen.js            # writes expected.json
//
// To keep moment out of the work tree: `npm install --prefix /tmp/m moment@2.21.0` and
// `MOMENT_PATH=/tmp/m/node_modules/moment node gen.js`.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const ZONES = ['UTC', 'Asia/Tokyo', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata'];
// "Now" for moment() and Date.now(): the session time of digdag's moment fixture.
const NOW_MS = Date.UTC(2016, 2, 13, 10, 0, 0);
const PARAMS = {
  session_time: '2016-03-13T10:00:00+00:00',
  session_date: '2016-03-13',
  last_session_date: '2016-03-12',
  td: { each: { start_time: 1457776800, end_time: 1457863200 } },
  expiration_unixtime: 1457870400,
  is_initial: false,
};

function readCases() {
  return fs.readFileSync(path.join(__dirname, 'cases.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

// Child mode: evaluate every case in this process's TZ and print the results as JSON.
function child() {
  const moment = require(process.env.MOMENT_PATH || 'moment');
  if (moment.version !== '2.21.0') throw new Error('need moment 2.21.0, got ' + moment.version);
  Date.now = () => NOW_MS;
  moment.suppressDeprecationWarnings = true;
  const out = readCases().map((expr) => {
    // As digdag.js: the expression runs inside with(params), and the value is rendered
    // as "" (null/undefined), the string itself, or JSON.
    const f = new Function('moment', '__params',
      'with (__params) { var __t = (' + expr + '); }\n' +
      'return __t == null ? "" : (typeof __t == "string" ? __t : JSON.stringify(__t));');
    try {
      return f(moment, JSON.parse(JSON.stringify(PARAMS)));
    } catch (e) {
      return { error: e.name };
    }
  });
  process.stdout.write(JSON.stringify(out));
}

function main() {
  const cases = readCases();
  const byZone = {};
  for (const zone of ZONES) {
    const json = execFileSync(process.execPath, [__filename, '--child'], {
      env: Object.assign({}, process.env, { TZ: zone }),
      encoding: 'utf8',
    });
    byZone[zone] = JSON.parse(json);
  }
  // One case per line: {"expr": ..., "results": {zone: string | {"error": name}}}.
  const lines = cases.map((expr, i) => {
    const results = {};
    for (const zone of ZONES) results[zone] = byZone[zone][i];
    return '  ' + JSON.stringify({ expr, results });
  });
  const head = {
    generated_by: 'engine/tests/template_moment/gen.js with moment 2.21.0 under node ' + process.version,
    now_ms: NOW_MS,
    params: PARAMS,
    zones: ZONES,
  };
  const text = JSON.stringify(head, null, 1).replace(/\n}$/, ',\n "cases": [\n') +
    lines.join(',\n') + '\n ]\n}\n';
  JSON.parse(text);
  fs.writeFileSync(path.join(__dirname, 'expected.json'), text);
  console.log('wrote expected.json: ' + cases.length + ' cases x ' + ZONES.length + ' zones');
}

if (process.argv[2] === '--child') child(); else main();
