// Read .ics files with Mozilla ical.js (Thunderbird's parser) and print what it sees as JSON.
// Usage: node read_ics.cjs NODE_MODULES FILE.ics...  ->  {"FILE.ics": [[uid, summary, start,
// end, allDay, status, sequence], ...], ...}; exits 1 with the parser's message on any error.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, ...files] = process.argv.slice(2);
const loaded = require(path.join(modules, 'ical.js'));
const ICAL = loaded.default || loaded;
const seen = {};
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) throw new Error(`${file}: starts with a byte-order mark`);
  const root = new ICAL.Component(ICAL.parse(text));
  if (root.name !== 'vcalendar') throw new Error(`${file}: root is ${root.name}`);
  seen[file] = root.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    return [
      event.uid,
      event.summary,
      event.startDate.toString(),
      event.endDate.toString(),
      event.startDate.isDate && event.endDate.isDate,
      component.getFirstPropertyValue('status'),
      event.sequence,
    ];
  });
}
process.stdout.write(JSON.stringify(seen));
