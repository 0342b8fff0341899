#pragma once
// Headless Chromium for tests: open an HTML file from disk as a reader would, and return what the
// browser saw. render_in_chromium(html, screenshot) runs Debian's `chromium` once:
//
//   chromium --headless --no-sandbox --disable-gpu --user-data-dir=<fresh temp folder>
//            --remote-debugging-pipe --log-net-log=<temp>/netlog.json
//            --host-resolver-rules="MAP * ~NOTFOUND" --window-size=1280,2000 about:blank
//
// in its own process group, and drives it over the DevTools protocol (JSON messages ending in a
// NUL byte, written to its fd 3 and read from its fd 4): open a tab, enable Page, Runtime, Log and
// Network, set a 1280x2000 viewport, navigate to file://<html>, wait for the load event, read
// document.documentElement.outerHTML and the size of every <svg> (getBBox and
// getBoundingClientRect, evaluated from outside the page, which needs no script), evaluate the
// caller's probe expression if any, capture a PNG screenshot, close the browser. Everything
// must finish before `timeout` (default 10 s); otherwise the process group is SIGKILLed and
// ChromiumError is thrown (a page whose script never ends never fires its load event).
//
// What this chromium (156.0.8078.114, Debian bookworm) reports, found by experiment:
// - Console levels need the DevTools protocol. With --enable-logging=stderr --v=0 every console
//   call and uncaught exception prints a stderr line
//     [pid:tid:MMDD/HHMMSS.micros:INFO:CONSOLE:<line>] "<text>", source: <url> (<line>)
//   but ALWAYS at INFO: Chromium logs web pages' console messages at INFO whatever their level,
//   so console.error cannot be told from console.log there. Over the protocol,
//   Runtime.consoleAPICalled carries the level (log, info, warning, error, debug, ...),
//   Runtime.exceptionThrown each uncaught exception (reported here at level "error", text
//   "Uncaught <first line of the exception>", like the stderr line), and Log.entryAdded the
//   browser's own messages about the page, e.g. level "error", "Failed to load resource:
//   net::ERR_FILE_NOT_FOUND" for a missing image. All three go to `console`.
// - Requests: Network.requestWillBeSent names every URL the page requests, file: included (the
//   page's own navigation is left out); data: URLs (e.g. an <img>'s) are decoded in the renderer
//   and reported nowhere, and never leave the file. file: and data: loads never reach the
//   network stack, so they are absent from the NetLog; http(s) requests appear there as
//   URL_REQUEST_START_JOB events whose params hold "url" and "network_isolation_key". The browser
//   itself also fetches (component updates, accounts.google.com, spell-check dictionaries) even
//   with --disable-background-networking; those carry a key that is not the page's ("null null",
//   "https://google.com ..."), and are kept apart in `browser_requests`, for the record only. The
//   NetLog's page requests (key's top-frame site "file://") are a second witness, at the network
//   layer, of what leaves the file: `external_requests` is the union of both sources' URLs whose
//   scheme is not file:, data:, blob: or about:. --host-resolver-rules="MAP * ~NOTFOUND" makes
//   every host name fail to resolve, so requests are seen but nothing leaves the machine.
// - --dump-dom and --screenshot=FILE also work (one run, no protocol), but give no console levels;
//   the protocol session takes the same ~1.5 s per page here. A blank white page's screenshot is
//   a valid 11.6 kB PNG, so "non-trivial" is judged on the decoded pixels (ink_pixels: pixels
//   differing from the top-left one), not on the file size.
// - stderr carries harmless noise (D-Bus, vaapi, sandbox warnings); it is kept in `log`.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace regcheck::test {

namespace fs = std::filesystem;

struct ConsoleMessage {
  std::string level;   // console API type (log, info, warning, error, debug...), "error" for an
                       // uncaught exception, or the Log.entryAdded level (verbose, info, warning, error)
  std::string text;
  std::string source;  // URL of the script or resource
  int line = 0;        // 1-based; 0 when unknown
};

// An inline <svg> as laid out: its id, the bounding box of its drawing (getBBox, user units) and
// its size on the page (getBoundingClientRect, CSS px).
struct SvgBox {
  std::string id;
  double bbox_width = 0, bbox_height = 0, width = 0, height = 0;
};

struct BrowserView {
  std::string dom;                             // document.documentElement.outerHTML after load
  std::vector<ConsoleMessage> console;         // in the order received
  std::vector<std::string> requests;           // every URL the page requested (DevTools)
  std::vector<std::string> network_requests;   // the page's requests seen by the network stack
  std::vector<std::string> external_requests;  // URLs of either list leaving the file
  std::vector<std::string> browser_requests;   // the browser's own background fetches
  std::vector<SvgBox> svgs;                    // every <svg> element, in document order
  std::string probe;                           // JSON of the caller's probe expression, if any
  fs::path screenshot;
  std::uintmax_t png_bytes = 0;
  std::uint32_t png_width = 0, png_height = 0;
  std::uint64_t ink_pixels = 0;  // pixels whose colour differs from the top-left pixel
  double seconds = 0;            // wall time of the chromium session
  std::string log;               // chromium's whole stderr

  bool has_console_errors() const {
    return std::any_of(console.begin(), console.end(), [](const ConsoleMessage& m) { return m.level == "error"; });
  }

  // What a self-contained, script-free page (the report) must not show, one line each: any
  // console message, any request leaving the file, any other file loaded, a blank screenshot.
  std::vector<std::string> problems() const {
    std::vector<std::string> out;
    for (const auto& m : console)
      out.push_back("console " + m.level + ": " + m.text + " (" + m.source + ":" + std::to_string(m.line) + ")");
    for (const auto& u : requests)
      if (u.rfind("file:", 0) == 0) out.push_back("loads another file: " + u);
    for (const auto& u : external_requests) out.push_back("request leaves the file: " + u);
    if (ink_pixels == 0) out.push_back("blank screenshot: " + screenshot.string());
    return out;
  }
};

// Raised when chromium cannot be run, times out, or returns no DOM / screenshot / NetLog.
struct ChromiumError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The chromium binary: $REGCHECK_CHROMIUM if set, else /usr/bin/chromium.
inline fs::path chromium_binary() {
  const char* env = std::getenv("REGCHECK_CHROMIUM");
  return env && *env ? fs::path(env) : fs::path("/usr/bin/chromium");
}

inline bool chromium_available() { return ::access(chromium_binary().c_str(), X_OK) == 0; }

namespace chromium_detail {

inline std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// file:// URL of an absolute path, bytes other than unreserved characters and '/' percent-encoded
// (RFC 3986), so paths with spaces or '#' open the right file.
inline std::string file_url(const fs::path& absolute) {
  static const char* hex = "0123456789ABCDEF";
  std::string url = "file://";
  for (const unsigned char c : absolute.string()) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
      url += static_cast<char>(c);
    else
      url += '%', url += hex[c >> 4], url += hex[c & 15];
  }
  return url;
}

inline std::string scheme_of(const std::string& url) {
  const auto c = url.find(':');
  return c == std::string::npos ? std::string() : url.substr(0, c);
}

// URL_REQUEST_START_JOB events of the NetLog, split into the page's and the browser's own.
inline void parse_netlog(const std::string& text, BrowserView& v) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw ChromiumError(std::string("unreadable NetLog: ") + e.what());
  }
  const auto& types = j.at("constants").at("logEventTypes");
  if (!types.contains("URL_REQUEST_START_JOB")) throw ChromiumError("NetLog without URL_REQUEST_START_JOB");
  const int start_job = types.at("URL_REQUEST_START_JOB").get<int>();
  for (const auto& e : j.at("events")) {
    if (e.value("type", -1) != start_job || !e.contains("params")) continue;
    const auto& p = e["params"];
    if (!p.contains("url")) continue;
    const std::string url = p["url"].get<std::string>();
    const std::string nik = p.value("network_isolation_key", std::string());
    if (nik.rfind("file://", 0) == 0) {
      v.network_requests.push_back(url);
    } else {
      v.browser_requests.push_back(url);
    }
  }
}

inline std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what chromium writes) and counts the pixels
// whose colour differs from the top-left pixel.
inline void inspect_png(const std::string& png, BrowserView& v) {
  static const std::string sig("\x89PNG\r\n\x1a\n", 8);
  if (png.size() < 33 || png.compare(0, 8, sig) != 0) throw ChromiumError("screenshot is not a PNG");
  const auto* b = reinterpret_cast<const unsigned char*>(png.data());
  v.png_width = be32(b + 16), v.png_height = be32(b + 20);
  const int depth = b[24], colour = b[25], interlace = b[28];
  if (depth != 8 || (colour != 2 && colour != 6) || interlace != 0)
    throw ChromiumError("screenshot PNG format not handled (depth " + std::to_string(depth) + ", colour type " +
                        std::to_string(colour) + ")");
  const std::size_t bpp = colour == 2 ? 3 : 4, stride = bpp * v.png_width;
  std::string idat;
  for (std::size_t pos = 8; pos + 12 <= png.size();) {
    const std::uint32_t len = be32(b + pos);
    if (pos + 12 + len > png.size()) throw ChromiumError("truncated screenshot PNG");
    if (png.compare(pos + 4, 4, "IDAT") == 0) idat.append(png, pos + 8, len);
    pos += 12 + len;
  }
  std::vector<unsigned char> raw((stride + 1) * v.png_height);
  uLongf raw_len = static_cast<uLongf>(raw.size());
  if (::uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), static_cast<uLong>(idat.size())) !=
          Z_OK ||
      raw_len != raw.size())
    throw ChromiumError("screenshot PNG data does not inflate to its size");
  std::vector<unsigned char> prev(stride, 0), cur(stride);
  std::array<unsigned char, 4> ref{};
  for (std::uint32_t y = 0; y < v.png_height; ++y) {
    const unsigned char* row = raw.data() + y * (stride + 1);
    const int filter = row[0];
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= bpp ? cur[i - bpp] : 0, up = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      int pred = 0;
      switch (filter) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = up; break;
        case 3: pred = (a + up) / 2; break;
        case 4: {  // Paeth
          const int p = a + up - c, pa = std::abs(p - a), pb = std::abs(p - up), pc = std::abs(p - c);
          pred = pa <= pb && pa <= pc ? a : (pb <= pc ? up : c);
          break;
        }
        default: throw ChromiumError("bad PNG filter " + std::to_string(filter));
      }
      cur[i] = static_cast<unsigned char>(row[1 + i] + pred);
    }
    if (y == 0) std::copy(cur.begin(), cur.begin() + static_cast<std::ptrdiff_t>(bpp), ref.begin());
    for (std::size_t x = 0; x < v.png_width; ++x)
      if (!std::equal(cur.begin() + static_cast<std::ptrdiff_t>(x * bpp),
                      cur.begin() + static_cast<std::ptrdiff_t>((x + 1) * bpp), ref.begin()))
        ++v.ink_pixels;
    std::swap(prev, cur);
  }
}

inline std::string base64_decode(const std::string& in) {
  std::array<int, 256> val;
  val.fill(-1);
  const std::string abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < abc.size(); ++i) val[static_cast<unsigned char>(abc[i])] = static_cast<int>(i);
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (const unsigned char c : in) {
    if (c == '=') break;
    if (val[c] < 0) throw ChromiumError("screenshot is not base64");
    acc = (acc << 6) | static_cast<unsigned>(val[c]), bits += 6;
    if (bits >= 8) bits -= 8, out += static_cast<char>((acc >> bits) & 0xFF);
  }
  return out;
}

// A chromium process driven over --remote-debugging-pipe, in its own process group, with one
// deadline for the whole session. The destructor kills the group (browser, zygote, renderer, GPU).
class DevToolsSession {
 public:
  using Handler = std::function<void(const nlohmann::json&)>;

  DevToolsSession(const std::vector<std::string>& argv, const fs::path& err, std::chrono::milliseconds timeout)
      : timeout_(timeout), deadline_(std::chrono::steady_clock::now() + timeout) {
    int to[2], from[2];
    if (::pipe(to) != 0 || ::pipe(from) != 0) throw ChromiumError("pipe failed");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw ChromiumError("fork failed");
    if (pid_ == 0) {
      ::setpgid(0, 0);
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int n = ::open("/dev/null", O_RDWR);
      if (e < 0 || n < 0) ::_exit(126);
      // fds 3 and 4 are the protocol's; move the pipe ends above them first so dup2 cannot clobber.
      const int in = ::fcntl(to[0], F_DUPFD, 10), out = ::fcntl(from[1], F_DUPFD, 10);
      ::dup2(n, 0), ::dup2(n, 1), ::dup2(e, 2), ::dup2(in, 3), ::dup2(out, 4);
      for (int fd = 5; fd < 1024; ++fd) ::close(fd);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);  // also from the parent, so the group exists before any kill
    ::close(to[0]), ::close(from[1]);
    to_ = to[1], from_ = from[0];
  }
  ~DevToolsSession() {
    if (to_ >= 0) ::close(to_);
    if (from_ >= 0) ::close(from_);
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      if (!reaped_) ::waitpid(pid_, nullptr, 0);
    }
  }
  DevToolsSession(const DevToolsSession&) = delete;
  DevToolsSession& operator=(const DevToolsSession&) = delete;

  // Sends a command and returns its "result", passing every event received meanwhile to on_event.
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::object(),
                      const std::string& session = "") {
    const int id = ++next_id_;
    nlohmann::json msg = {{"id", id}, {"method", method}, {"params", params}};
    if (!session.empty()) msg["sessionId"] = session;
    const std::string text = msg.dump() + '\0';
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t w = ::write(to_, text.data() + done, text.size() - done);
      if (w <= 0) fail("chromium closed its DevTools pipe during " + method);
      done += static_cast<std::size_t>(w);
    }
    const nlohmann::json reply = wait_for([id](const nlohmann::json& m) { return m.value("id", 0) == id; }, method);
    if (reply.contains("error")) throw ChromiumError("DevTools " + method + " failed: " + reply["error"].dump());
    return reply.value("result", nlohmann::json::object());
  }

  // Reads messages until one satisfies `done` (returned); events go to on_event on the way.
  nlohmann::json wait_for(const std::function<bool(const nlohmann::json&)>& done, const std::string& what) {
    for (;;) {
      for (std::size_t nul; (nul = buf_.find('\0')) != std::string::npos;) {
        nlohmann::json m = nlohmann::json::parse(buf_.substr(0, nul));
        buf_.erase(0, nul + 1);
        if (m.contains("method") && on_event) on_event(m);
        if (done(m)) return m;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now());
      if (left.count() <= 0) fail("chromium timed out after " + std::to_string(timeout_.count()) + " ms waiting for " + what);
      pollfd p{from_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 100))) < 0) fail("poll failed");
      if (p.revents & (POLLIN | POLLHUP)) {
        char chunk[1 << 16];
        const ssize_t r = ::read(from_, chunk, sizeof chunk);
        if (r <= 0) fail("chromium closed its DevTools pipe waiting for " + what);
        buf_.append(chunk, static_cast<std::size_t>(r));
      }
    }
  }

  // Closes the browser and waits (within the deadline) for the process to exit.
  void close_browser() {
    try {
      call("Browser.close");
    } catch (const ChromiumError&) {  // the pipe may close before the reply: exiting is the answer
    }
    while (std::chrono::steady_clock::now() < deadline_) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        reaped_ = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  Handler on_event;

 private:
  [[noreturn]] static void fail(const std::string& why) { throw ChromiumError(why); }

  std::chrono::milliseconds timeout_;
  std::chrono::steady_clock::time_point deadline_;
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1, next_id_ = 0;
  bool reaped_ = false;
  std::string buf_;
};

inline std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// One console message from a Runtime.consoleAPICalled, Runtime.exceptionThrown or Log.entryAdded
// event; false for other events.
inline bool console_message(const nlohmann::json& ev, ConsoleMessage& m) {
  const std::string method = ev.value("method", "");
  const nlohmann::json& p = ev.contains("params") ? ev["params"] : nlohmann::json::object();
  if (method == "Runtime.consoleAPICalled") {
    m.level = p.value("type", "log");
    for (const auto& a : p.value("args", nlohmann::json::array())) {
      if (!m.text.empty()) m.text += ' ';
      if (a.contains("value"))
        m.text += a["value"].is_string() ? a["value"].get<std::string>() : a["value"].dump();
      else
        m.text += a.value("description", a.value("type", ""));
    }
    const auto frames = p.contains("stackTrace") ? p["stackTrace"].value("callFrames", nlohmann::json::array())
                                                 : nlohmann::json::array();
    if (!frames.empty()) m.source = frames[0].value("url", ""), m.line = frames[0].value("lineNumber", -1) + 1;
    return true;
  }
  if (method == "Runtime.exceptionThrown") {
    const auto& d = p.at("exceptionDetails");
    m.level = "error";
    const std::string what =
        d.contains("exception") ? d["exception"].value("description", d["exception"].value("value", nlohmann::json()).dump())
                                : std::string();
    m.text = d.value("text", "Uncaught") + (what.empty() ? "" : " " + first_line(what));
    m.source = d.value("url", ""), m.line = d.value("lineNumber", -1) + 1;
    return true;
  }
  if (method == "Log.entryAdded") {
    const auto& e = p.at("entry");
    m.level = e.value("level", "info"), m.text = e.value("text", ""), m.source = e.value("url", "");
    m.line = e.value("lineNumber", -1) + 1;
    return true;
  }
  return false;
}

inline bool leaves_the_file(const std::string& url) {
  const std::string s = scheme_of(url);
  return s != "file" && s != "data" && s != "blob" && s != "about";
}


}  // namespace chromium_detail

// Opens `html` (a file on disk) in headless chromium; writes the screenshot to `screenshot`.
// `probe`, if given, is a JavaScript expression evaluated after load from outside the page (the
// page needs no script of its own); its value, JSON.stringify'd, is returned in `probe`.
// Throws std::invalid_argument if html does not exist, ChromiumError if chromium fails.
inline BrowserView render_in_chromium(const fs::path& html, const fs::path& screenshot,
                                      std::chrono::milliseconds timeout = std::chrono::milliseconds(10000),
                                      const std::string& probe = "") {
  namespace cd = chromium_detail;
  if (!fs::is_regular_file(html)) throw std::invalid_argument("render_in_chromium: no such file: " + html.string());
  if (!chromium_available()) throw ChromiumError("cannot execute " + chromium_binary().string());
  const fs::path page = fs::weakly_canonical(fs::absolute(html)), shot = fs::absolute(screenshot);
  const std::string url = cd::file_url(page);
  char tmpl[] = "/tmp/regcheck-chromium-XXXXXX";
  if (!::mkdtemp(tmpl)) throw ChromiumError("mkdtemp failed");
  const fs::path tmp(tmpl);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{tmp};
  std::error_code ec;
  fs::remove(shot, ec);  // a stale screenshot must not pass for a new one
  ::signal(SIGPIPE, SIG_IGN);  // a write to a dead browser's pipe must fail, not end the test
  BrowserView v;
  const auto t0 = std::chrono::steady_clock::now();
  {
    cd::DevToolsSession s({chromium_binary().string(), "--headless", "--no-sandbox", "--disable-gpu",
                           "--no-first-run", "--disable-background-networking", "--disable-component-update",
                           "--disable-sync", "--user-data-dir=" + (tmp / "profile").string(),
                           "--remote-debugging-pipe", "--log-net-log=" + (tmp / "netlog.json").string(),
                           "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1280,2000", "about:blank"},
                          tmp / "stderr", timeout);
    bool loaded = false;
    s.on_event = [&](const nlohmann::json& ev) {
      ConsoleMessage m;
      if (cd::console_message(ev, m)) v.console.push_back(std::move(m));
      const std::string method = ev.value("method", "");
      if (method == "Network.requestWillBeSent") {
        const std::string u = ev["params"]["request"].value("url", "");
        if (ev["params"].value("type", "") != "Document" || cd::percent_decode(u) != cd::percent_decode(url))
          v.requests.push_back(u);
      }
      if (method == "Page.loadEventFired") loaded = true;
    };
    const std::string target = s.call("Target.createTarget", {{"url", "about:blank"}}).at("targetId");
    const std::string sid = s.call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}}).at("sessionId");
    for (const char* domain : {"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"}) s.call(domain, {}, sid);
    s.call("Emulation.setDeviceMetricsOverride",
           {{"width", 1280}, {"height", 2000}, {"deviceScaleFactor", 1}, {"mobile", false}}, sid);
    const auto nav = s.call("Page.navigate", {{"url", url}}, sid);
    if (nav.contains("errorText")) throw ChromiumError("chromium cannot open " + url + ": " + nav["errorText"].dump());
    s.wait_for([&](const nlohmann::json&) { return loaded; }, "the load event of " + url);
    v.dom = s.call("Runtime.evaluate", {{"expression", "document.documentElement.outerHTML"}, {"returnByValue", true}},
                   sid)
                .at("result")
                .value("value", "");
    const auto evaluate = [&](const std::string& expression) {
      const auto r = s.call("Runtime.evaluate", {{"expression", "JSON.stringify(" + expression + ")"}, {"returnByValue", true}},
                            sid);
      if (r.contains("exceptionDetails"))
        throw ChromiumError("probe `" + expression + "` threw: " + r["exceptionDetails"].dump());
      return r.at("result").value("value", "");
    };
    for (const auto& b : nlohmann::json::parse(evaluate(
             "[...document.querySelectorAll('svg')].map(e => { const b = e.getBBox(), r = e.getBoundingClientRect();"
             " return [e.id, b.width, b.height, r.width, r.height]; })")))
      v.svgs.push_back({b[0].get<std::string>(), b[1].get<double>(), b[2].get<double>(), b[3].get<double>(),
                        b[4].get<double>()});
    if (!probe.empty()) v.probe = evaluate(probe);
    std::ofstream(shot, std::ios::binary)
        << cd::base64_decode(s.call("Page.captureScreenshot", {{"format", "png"}}, sid).at("data"));
    s.close_browser();  // also flushes the NetLog
  }
  v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  v.log = cd::read_all(tmp / "stderr");
  if (v.dom.find("<html") == std::string::npos) throw ChromiumError("chromium returned no DOM for " + url);
  cd::parse_netlog(cd::read_all(tmp / "netlog.json"), v);
  for (const auto* list : {&v.requests, &v.network_requests})
    for (const auto& u : *list)
      if (cd::leaves_the_file(u) &&
          std::find(v.external_requests.begin(), v.external_requests.end(), u) == v.external_requests.end())
        v.external_requests.push_back(u);
  if (!fs::is_regular_file(shot)) throw ChromiumError("chromium wrote no screenshot " + shot.string());
  v.screenshot = shot;
  v.png_bytes = fs::file_size(shot);
  cd::inspect_png(cd::read_all(shot), v);
  return v;
}

}  // namespace regcheck::test
