// Parse a podcast feed with podcast-partytime (Podcast Index's parser) and rss-parser, and write
// what each read to a JSON file: node parse_feed.js FEED.xml OUT.json
// Warnings go to stdout (partytime's pino logger) or stderr (console.warn): the test wants none.
"use strict";
const fs = require("fs");
const pt = require("podcast-partytime");
const Parser = require("rss-parser");

async function main() {
  const [feedPath, outPath] = process.argv.slice(2);
  const xml = fs.readFileSync(feedPath, "utf8");
  const party = pt.parseFeed(xml, { allowMissingGuid: false });
  const rss = await new Parser({ customFields: { item: ["itunes:duration"] } }).parseString(xml);
  fs.writeFileSync(outPath, JSON.stringify({ partytime: party, rssParser: rss }, null, 1));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
