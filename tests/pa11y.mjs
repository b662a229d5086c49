// pa11y (WCAG2AA, HTML_CodeSniffer) on several pages in one Chromium: node tests/pa11y.mjs BASE_URL path... > issues.json
// Prints, per page, the errors pa11y finds (warnings and notices are left out).
import pa11y from "pa11y";
import puppeteer from "puppeteer";

const [base, ...paths] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  headless: true,
});
const results = [];
try {
  for (const path of paths) {
    const page = await browser.newPage();
    const result = await pa11y(base + path, {browser, page, standard: "WCAG2AA", includeWarnings: false, includeNotices: false});
    results.push({path, issues: result.issues.map((i) => ({code: i.code, message: i.message, selector: i.selector}))});
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results, null, 1) + "\n");
