package tcplab.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import tcplab.kit.docs.Site;
import tcplab.kit.grade.Lab;

/**
 * The rendered site in a real browser (Debian's Chromium, headless, driven by Selenium), as a learner on a phone
 * and on a laptop sees it: no page wider than the screen, every image loads, no script error, the lessons chained
 * by their links, the copy button copies, the search box finds sections, and all text and every code token readable in the light and the dark scheme.
 *
 * <p>It needs {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (Debian's {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them) and skips, saying so, where they are missing. The driver
 * and browser are given explicitly, so Selenium Manager never tries to download one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final int PHONE = 390;
    private static final int LAPTOP = 1280;

    /**
     * Selenium looks for a DevTools binding matching the browser's version at every start and warns when it has none
     * (Debian's Chromium is newer than Selenium's bindings). This test sends only chromedriver's own CDP commands,
     * which need no binding, so the warning is noise. Held in a field: a logger nobody holds can be collected, level
     * and all.
     */
    private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

    private final List<ChromeDriver> started = new ArrayList<>();

    @BeforeAll
    void needs_a_browser() {
        DEVTOOLS_LOG.setLevel(Level.SEVERE);
        assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
                "SKIPPED: the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                        + " (apt-get install chromium chromium-driver; .ci/run installs them when it can)");
        var site = RenderedSite.get();
        assumeTrue(site.problems().isEmpty(), "the site did not render cleanly; SiteTest says why");
    }

    @AfterAll
    void quit() {
        started.forEach(ChromeDriver::quit);
    }

    private ChromeDriver browser(int width) throws Exception {
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // No sandbox: CI runs as root. The rest keeps the browser from reaching for the network on its own.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory("tcplab-chromium"), "--window-size=" + width + ",900");
        if (width < 500) {
            // Headless windows are at least 500 px wide; a phone's width needs device emulation.
            options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
                    Map.of("width", width, "height", 844, "pixelRatio", 3.0, "touch", true)));
        }
        var logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build();
        var driver = new ChromeDriver(service, options);
        started.add(driver);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(20));
        return driver;
    }

    private static String url(Path page) {
        return page.toUri().toString();
    }

    @Test
    void no_page_is_wider_than_a_phone_or_a_laptop_every_image_loads_and_no_script_fails() throws Exception {
        var problems = new ArrayList<String>();
        for (int width : new int[] {PHONE, LAPTOP}) {
            ChromeDriver driver = browser(width);
            for (Path page : RenderedSite.pages()) {
                driver.get(url(page));
                String name = page.getFileName() + " at " + width + " px";
                // A phone's layout viewport grows to fit a page that is too wide, so compare with the device width.
                int window = width < 500 ? width : ((Number) driver.executeScript("return window.innerWidth")).intValue();
                Number content = (Number) driver.executeScript("return document.documentElement.scrollWidth");
                if (content.intValue() > window) {
                    @SuppressWarnings("unchecked")
                    List<String> culprits = (List<String>) driver.executeScript("""
                            const w = arguments[0], out = [];
                            for (const e of document.querySelectorAll('body *')) {
                              const r = e.getBoundingClientRect();
                              if (r.right > w + 1 && getComputedStyle(e).position !== 'fixed'
                                  && !e.parentElement.closest('pre, .table-scroll')) {
                                out.push(e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(r.right));
                              }
                            }
                            return out.slice(0, 5);""", window);
                    problems.add(name + ": the page is " + content + " px wide on a " + window + " px screen; "
                            + "too wide: " + culprits);
                }
                @SuppressWarnings("unchecked")
                List<String> broken = (List<String>) driver.executeScript(
                        "return [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)");
                broken.forEach(src -> problems.add(name + ": the image " + src + " did not load"));
                for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
                    if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
                        problems.add(name + ": console " + entry.getLevel() + ": " + entry.getMessage());
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " problems in the browser:\n  " + String.join("\n  ", problems));
        }
    }

    @Test
    void next_links_reach_every_lesson_from_the_index_and_prev_links_lead_back() throws Exception {
        ChromeDriver driver = browser(LAPTOP);
        List<Lab> lessons = Lab.all(SiteTest.ROOT);
        driver.get(url(RenderedSite.get().index()));
        driver.findElement(By.cssSelector("a[href='" + Site.pageName(lessons.get(0)) + "']")).click();
        var forward = new ArrayList<String>();
        forward.add(page(driver));
        while (!driver.findElements(By.cssSelector("nav.lessons a[rel=next]")).isEmpty()) {
            // The bottom bar: a learner who finished reading is there, not at the top.
            List<WebElement> next = driver.findElements(By.cssSelector("nav.lessons a[rel=next]"));
            next.get(next.size() - 1).click();
            forward.add(page(driver));
            assertTrue(forward.size() <= lessons.size(), "next links go round in circles: " + forward);
        }
        assertEquals(lessons.stream().map(Site::pageName).toList(), forward, "following \"next\" from lesson 01");
        var backward = new ArrayList<String>();
        backward.add(page(driver));
        while (!driver.findElements(By.cssSelector("nav.lessons a[rel=prev]")).isEmpty()) {
            driver.findElement(By.cssSelector("nav.lessons a[rel=prev]")).click();
            backward.add(page(driver));
            assertTrue(backward.size() <= lessons.size(), "prev links go round in circles: " + backward);
        }
        var reversed = new ArrayList<>(forward);
        java.util.Collections.reverse(reversed);
        assertEquals(reversed, backward, "following \"prev\" from the last lesson");
        assertEquals(2, driver.findElements(By.cssSelector("nav.lessons a[href='index.html']")).size(),
                "a lesson links \"All lessons\" at the top and at the bottom");
    }

    private static String page(ChromeDriver driver) {
        String url = driver.getCurrentUrl();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    @Test
    void the_copy_button_copies_the_code_block() throws Exception {
        ChromeDriver driver = browser(LAPTOP);
        Lab first = Lab.all(SiteTest.ROOT).get(0);
        driver.get(url(RenderedSite.get().index().resolveSibling(Site.pageName(first))));
        driver.executeCdpCommand("Browser.grantPermissions",
                Map.of("permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        WebElement block = driver.findElement(By.cssSelector(".listingblock"));
        String code = (String) driver.executeScript("return arguments[0].querySelector('pre').innerText", block);
        WebElement button = block.findElement(By.cssSelector("button.copy-code"));
        button.click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> button.getAttribute("data-copied") != null);
        assertEquals("yes", button.getAttribute("data-copied"), "the button says the copy failed");
        Object copied = driver.executeAsyncScript(
                "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('cannot read: ' + e))");
        assertEquals(code.strip(), String.valueOf(copied).strip(), "what the clipboard holds after a click on Copy");
    }

    @Test
    void the_language_switch_keeps_the_section_and_a_chinese_page_searches_in_chinese() throws Exception {
        ChromeDriver driver = browser(LAPTOP);
        var wait = new WebDriverWait(driver, Duration.ofSeconds(10));
        Lab close = Lab.all(SiteTest.ROOT).stream().filter(l -> l.id().equals("05")).findFirst().orElseThrow();
        driver.get(url(RenderedSite.get().index().resolveSibling(Site.pageName(close))) + "#half-close");
        driver.findElement(By.cssSelector("a.language-switch")).click();
        wait.until(d -> d.getCurrentUrl().endsWith(Site.pageName(close, tcplab.kit.i18n.Language.CHINESE)
                + "#half-close"));
        assertEquals("zh-CN", driver.findElement(By.tagName("html")).getAttribute("lang"));
        // And back, still at the same section.
        driver.findElement(By.cssSelector("a.language-switch")).click();
        wait.until(d -> d.getCurrentUrl().endsWith(Site.pageName(close) + "#half-close"));
        // Chinese has no spaces between words: a Chinese query is looked for as it is, in the Chinese pages only.
        driver.get(url(RenderedSite.get().index().resolveSibling("index.zh-CN.html")));
        driver.findElement(By.cssSelector(".site-search input")).sendKeys("半关闭");
        wait.until(d -> !d.findElements(By.cssSelector(".site-search li a")).isEmpty());
        List<WebElement> found = driver.findElements(By.cssSelector(".site-search li a"));
        assertTrue(found.stream().allMatch(a -> a.getAttribute("href").contains(".zh-CN.html")),
                "a Chinese page's search lists English pages: " + found.stream().map(a -> a.getAttribute("href")).toList());
        assertTrue(found.stream().anyMatch(a -> a.getAttribute("href").contains("05-close.zh-CN.html#")),
                "searching 半关闭 finds no section of lesson 05: " + found.stream().map(a -> a.getAttribute("href")).toList());
    }

    @Test
    void the_search_box_finds_a_section_by_its_words_and_takes_the_learner_there() throws Exception {
        for (int width : new int[] {PHONE, LAPTOP}) {
            ChromeDriver driver = browser(width);
            driver.get(url(RenderedSite.get().index()));
            var wait = new WebDriverWait(driver, Duration.ofSeconds(10));
            WebElement box = driver.findElement(By.cssSelector(".site-search input"));
            // A whole term, as a learner would copy it from netstat's output.
            box.sendKeys("TIME_WAIT");
            wait.until(d -> !d.findElements(By.cssSelector(".site-search li a")).isEmpty());
            List<WebElement> found = driver.findElements(By.cssSelector(".site-search li a"));
            assertTrue(found.stream().anyMatch(a -> a.getAttribute("href").contains("05-close.html#")
                            && a.getText().contains("TIME_WAIT")),
                    "at " + width + " px, searching TIME_WAIT lists no section of lesson 05 named for it: "
                            + found.stream().map(a -> a.getAttribute("href")).toList());
            // The first letters of a word are enough while the learner types.
            box.clear();
            box.sendKeys("handsh");
            wait.until(d -> !d.findElements(By.cssSelector(".site-search li a")).isEmpty());
            String first = driver.findElement(By.cssSelector(".site-search li a")).getAttribute("href");
            box.sendKeys(org.openqa.selenium.Keys.ENTER);
            wait.until(d -> d.getCurrentUrl().equals(first));
            // Nothing found says so, rather than an empty box.
            driver.get(url(RenderedSite.get().index()));
            driver.findElement(By.cssSelector(".site-search input")).sendKeys("zyxwvut");
            wait.until(d -> !d.findElements(By.cssSelector(".site-search li.none")).isEmpty());
        }
    }

    @Test
    void the_search_finds_a_section_of_every_lesson_by_its_title() throws Exception {
        // For each lesson, a section whose title no other section has: searching for it must list that section.
        var titles = new java.util.HashMap<String, Integer>();
        var sections = new ArrayList<String[]>();
        for (Path page : RenderedSite.pages()) {
            var html = org.jsoup.Jsoup.parse(page.toFile(), "UTF-8");
            for (var h : html.select("#content h2[id], #content h3[id]")) {
                titles.merge(h.text(), 1, Integer::sum);
                sections.add(new String[] {page.getFileName().toString(), h.id(), h.text()});
            }
        }
        ChromeDriver driver = browser(LAPTOP);
        var wait = new WebDriverWait(driver, Duration.ofSeconds(10));
        var missed = new ArrayList<String>();
        for (Lab lab : Lab.all(SiteTest.ROOT)) {
            String page = Site.pageName(lab);
            String[] unique = sections.stream().filter(t -> t[0].equals(page) && titles.get(t[2]) == 1)
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError(page + " has no section of its own"));
            driver.get(url(RenderedSite.get().index()) + "?q=" + java.net.URLEncoder.encode(unique[2],
                    java.nio.charset.StandardCharsets.UTF_8));
            wait.until(d -> !d.findElements(By.cssSelector(".site-search li")).isEmpty());
            boolean found = driver.findElements(By.cssSelector(".site-search li a")).stream()
                    .anyMatch(a -> a.getAttribute("href").endsWith(page + "#" + unique[1]));
            if (!found) {
                missed.add("\"" + unique[2] + "\" (" + page + "#" + unique[1] + ")");
            }
        }
        assertTrue(missed.isEmpty(), "searching for these section titles did not list their section: " + missed);
    }

    @Test
    void every_text_and_code_token_has_a_contrast_of_at_least_4_5_in_the_light_and_the_dark_scheme() throws Exception {
        ChromeDriver driver = browser(LAPTOP);
        var problems = new ArrayList<String>();
        for (String scheme : new String[] {"light", "dark"}) {
            driver.executeCdpCommand("Emulation.setEmulatedMedia",
                    Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
            for (Path page : RenderedSite.pages()) {
                driver.get(url(page));
                @SuppressWarnings("unchecked")
                List<String> low = (List<String>) driver.executeScript("""
                        // WCAG 2 relative luminance and contrast ratio.
                        const lum = c => {
                          const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => {
                            v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                        };
                        const ratio = (a, b) => { const x = lum(a), y = lum(b);
                          return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
                        const seen = new Set(), out = [];
                        // Prose: every element with text of its own, against the first background behind it.
                        const rgba = c => c.match(/[\\d.]+/g).map(Number);
                        const behind = e => {
                          for (; e; e = e.parentElement) {
                            const c = rgba(getComputedStyle(e).backgroundColor);
                            if (c.length < 4 || c[3] > 0) return c;
                          }
                          return [255, 255, 255];
                        };
                        // A translucent colour is seen blended with what is behind it.
                        const blend = (f, b) => { const a = f.length > 3 ? f[3] : 1;
                          return 'rgb(' + [0, 1, 2].map(i => Math.round(f[i] * a + b[i] * (1 - a))).join(',') + ')'; };
                        for (const e of document.querySelectorAll('#header *, #content *, nav.lessons *, #toc *')) {
                          if (e.closest('pre, svg') || e.tagName === 'IMG') continue;
                          const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                          if (!own || e.getClientRects().length === 0) continue;
                          const b = behind(e), bg = 'rgb(' + b.slice(0, 3).join(',') + ')';
                          const fg = blend(rgba(getComputedStyle(e).color), b), r = ratio(fg, bg);
                          const key = e.tagName + e.className + fg + bg;
                          if (r < 4.5 && !seen.has(key)) {
                            seen.add(key);
                            out.push(e.tagName.toLowerCase() + '.' + e.className + ' "' + e.textContent.trim().slice(0, 30)
                                + '" ' + fg + ' on ' + bg + ': ' + r.toFixed(2));
                          }
                        }
                        for (const pre of document.querySelectorAll('pre')) {
                          const bg = getComputedStyle(pre).backgroundColor;
                          for (const e of [pre, ...pre.querySelectorAll('span')]) {
                            if (!e.textContent.trim()) continue;
                            const fg = getComputedStyle(e).color, key = e.className + fg + bg;
                            const r = ratio(fg, bg);
                            if (r < 4.5 && !seen.has(key)) {
                              seen.add(key);
                              out.push((e.className || 'text') + ' ' + fg + ' on ' + bg + ': ' + r.toFixed(2));
                            }
                          }
                        }
                        return out;""");
                low.forEach(l -> problems.add(page.getFileName() + " (" + scheme + "): " + l));
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " colours below 4.5:1 (text or code):\n  " + String.join("\n  ", problems));
        }
    }
}
