// Lighthouse on several pages in one Chrome: node tests/lighthouse.mjs BASE_URL path... > scores.json
// Prints, per page and form factor, each category's score and the audits that fall short.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";

const [base, ...paths] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const categories = ["performance", "accessibility", "best-practices", "seo"];
const results = [];
try {
  for (const formFactor of ["mobile", "desktop"]) {
    const config = formFactor === "desktop" ? desktopConfig : undefined;
    for (const path of paths) {
      const runner = await lighthouse(base + path, {port: chrome.port, output: "json", logLevel: "error", onlyCategories: categories}, config);
      const lhr = runner.lhr;
      const scores = Object.fromEntries(categories.map((c) => [c, lhr.categories[c].score === null ? null : Math.round(lhr.categories[c].score * 100)]));
      const failing = [];
      for (const c of categories) {
        for (const ref of lhr.categories[c].auditRefs) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
            failing.push({category: c, id: ref.id, score: audit.score, title: audit.title, value: audit.displayValue || ""});
          }
        }
      }
      results.push({path, formFactor, scores, failing, runtimeError: lhr.runtimeError ? lhr.runtimeError.message : null});
    }
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(results, null, 1) + "\n");
