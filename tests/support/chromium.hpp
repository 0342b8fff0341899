#pragma once
// Headless Chromium for tests: open an HTML file from disk as a reader would, and return what the
// browser saw. render_in_chromium(html, screenshot) runs Debian's `chromium` once:
//
//   chromium --headless --no-sandbox --disable-gpu --user-data-dir=<fresh temp folder>
//            --enable-logging=stderr --v=0 --vmodule=file_url_loader_factory=1
//            --log-net-log=<temp>/netlog.json
//            --host-resolver-rules="MAP * ~NOTFOUND" --window-size=1280,2000
//            --screenshot=<screenshot> --dump-dom file://<html>
//
// in its own process group, killed (SIGKILL to the group) after `timeout` (default 10 s), and
// returns the DOM after the load event (--dump-dom, on stdout), the page's console messages, every
// network request the page made, and the screenshot's facts (PNG decoded, pixels counted).
//
// What this chromium (156.0.8078.114, Debian bookworm) reports, found by experiment:
// - Console: with --enable-logging=stderr --v=0 each console.log/info/warn/error/debug call and
//   each uncaught exception prints one stderr line
//     [pid:tid:MMDD/HHMMSS.micros:INFO:CONSOLE:<line>] "<text>", source: <url> (<line>)
//   ALWAYS at INFO: Chromium logs web pages' console messages at INFO whatever their level (only
//   built-in pages keep theirs), so the level is NOT recoverable from this log. The harness
//   reports level "error" for uncaught exceptions (text starting "Uncaught ") and "console" for
//   every other message; a report page has no scripts, so any console message at all is a defect.
// - Requests: file: and data: loads do not pass through the network stack, so they never appear
//   in the NetLog. file: loads (found or missing) are logged by --vmodule=file_url_loader_factory=1
//     [...:VERBOSE1:content/browser/loader/file_url_loader_factory.cc:477] FileURLLoader::Start: <url>
//   (the page itself first; its URL is percent-encoded, as the harness writes it). data: URLs are
//   decoded in the renderer and logged nowhere; they never leave the file. Every http(s)/ws(s)/ftp
//   request is in the NetLog, as a URL_REQUEST_START_JOB event whose
//   params hold "url" and "network_isolation_key". The browser itself also fetches (component
//   updates, accounts.google.com, spell-check dictionaries) even with --disable-background-
//   networking; those have a network_isolation_key that is not the page's ("null null",
//   "https://google.com ..."). Requests whose key's top-frame site is "file://" are the page's;
//   the rest are kept apart in `browser_requests`, for the record only. `requests` holds the
//   page's file: loads other than the page itself, then its network requests; any whose scheme is
//   not file: or data: "leaves the file" (`external_requests`).
//   --host-resolver-rules="MAP * ~NOTFOUND" makes every host name fail to resolve, so the request
//   is logged but nothing leaves the machine.
// - --dump-dom and --screenshot work together in one run (~1-1.5 s per call here); the PNG is
//   1280x2000 8-bit RGB. A blank white page gives a valid, 11.6 kB PNG, so "non-trivial" is judged
//   on the decoded pixels (ink_pixels: pixels differing from the top-left one), not file size.
// - Harmless stderr noise (D-Bus, vaapi, sandbox warnings) is ignored; it is kept in `log`.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace regcheck::test {

namespace fs = std::filesystem;

struct ConsoleMessage {
  std::string level;  // "error" (uncaught exception) or "console" (level not reported: see above)
  std::string text;
  std::string source;  // URL of the script
  int line = 0;
};

struct BrowserView {
  std::string dom;                            // serialized DOM after load
  std::vector<ConsoleMessage> console;        // in the order printed
  std::vector<std::string> requests;          // network requests made by the page
  std::vector<std::string> external_requests; // those not file: or data:
  std::vector<std::string> browser_requests;  // the browser's own background fetches
  fs::path screenshot;
  std::uintmax_t png_bytes = 0;
  std::uint32_t png_width = 0, png_height = 0;
  std::uint64_t ink_pixels = 0;  // pixels whose colour differs from the top-left pixel
  double seconds = 0;            // wall time of the chromium call
  std::string log;               // chromium's whole stderr

  bool has_console_errors() const {
    for (const auto& m : console)
      if (m.level == "error") return true;
    return false;
  }

  // What a self-contained, script-free page (the report) must not show, one line each: any
  // console message, any request leaving the file, any other file loaded, a blank screenshot.
  std::vector<std::string> problems() const {
    std::vector<std::string> out;
    for (const auto& m : console)
      out.push_back("console " + m.level + ": " + m.text + " (" + m.source + ":" + std::to_string(m.line) + ")");
    for (const auto& u : requests)
      out.push_back(u.rfind("file:", 0) == 0 ? "loads another file: " + u : "request leaves the file: " + u);
    if (ink_pixels == 0) out.push_back("blank screenshot: " + screenshot.string());
    return out;
  }
};

// Raised when chromium cannot be run, times out, or leaves no DOM / screenshot / NetLog.
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

// Runs argv with stdout/stderr to files, in a new process group; SIGKILLs the group at the
// deadline. Returns the exit status; throws ChromiumError on timeout or exec failure.
inline int run_with_timeout(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err,
                            std::chrono::milliseconds timeout) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw ChromiumError("fork failed");
  if (pid == 0) {
    ::setpgid(0, 0);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int n = ::open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || n < 0) ::_exit(126);
    ::dup2(n, 0), ::dup2(o, 1), ::dup2(e, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so the group exists before any kill
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw ChromiumError("chromium timed out after " + std::to_string(timeout.count()) + " ms: " + argv.back());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-pid, SIGKILL);  // helpers (zygote, GPU, renderer) that outlived the browser process
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) throw ChromiumError("cannot execute " + argv[0]);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Console lines of the stderr log (the message text may span lines; the source suffix ends it).
inline std::vector<ConsoleMessage> parse_console(const std::string& log) {
  static const std::regex re(R"re(:INFO:CONSOLE:?\(?\d*\)?\] "([\s\S]*?)", source: (\S*) \((\d+)\)\n)re");
  std::vector<ConsoleMessage> msgs;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator(); ++it) {
    ConsoleMessage m;
    m.text = (*it)[1].str();
    m.source = (*it)[2].str();
    m.line = std::stoi((*it)[3].str());
    m.level = m.text.rfind("Uncaught ", 0) == 0 ? "error" : "console";
    msgs.push_back(std::move(m));
  }
  return msgs;
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

// file: loads, as logged with --vmodule=file_url_loader_factory=1, except `page` itself
// (compared decoded: chromium may escape a byte the harness escaped, or not).
inline std::vector<std::string> parse_file_loads(const std::string& log, const std::string& page) {
  static const std::regex re(R"re(FileURLLoader::Start: (\S+))re");
  std::vector<std::string> urls;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator(); ++it)
    if (percent_decode((*it)[1].str()) != percent_decode(page)) urls.push_back((*it)[1].str());
  return urls;
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
      v.requests.push_back(url);
      const std::string s = scheme_of(url);
      if (s != "file" && s != "data") v.external_requests.push_back(url);
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

}  // namespace chromium_detail

// Opens `html` (a file on disk) in headless chromium; writes the screenshot to `screenshot`.
// Throws std::invalid_argument if html does not exist, ChromiumError if chromium fails.
inline BrowserView render_in_chromium(const fs::path& html, const fs::path& screenshot,
                                      std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
  namespace cd = chromium_detail;
  if (!fs::is_regular_file(html)) throw std::invalid_argument("render_in_chromium: no such file: " + html.string());
  const fs::path page = fs::weakly_canonical(fs::absolute(html)), shot = fs::absolute(screenshot);
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
  const std::vector<std::string> argv = {chromium_binary().string(),
                                         "--headless",
                                         "--no-sandbox",
                                         "--disable-gpu",
                                         "--no-first-run",
                                         "--disable-background-networking",
                                         "--disable-component-update",
                                         "--disable-sync",
                                         "--user-data-dir=" + (tmp / "profile").string(),
                                         "--enable-logging=stderr",
                                         "--v=0",
                                         "--vmodule=file_url_loader_factory=1",
                                         "--log-net-log=" + (tmp / "netlog.json").string(),
                                         "--host-resolver-rules=MAP * ~NOTFOUND",
                                         "--window-size=1280,2000",
                                         "--screenshot=" + shot.string(),
                                         "--dump-dom",
                                         cd::file_url(page)};
  BrowserView v;
  const auto t0 = std::chrono::steady_clock::now();
  const int code = cd::run_with_timeout(argv, tmp / "stdout", tmp / "stderr", timeout);
  v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  v.dom = cd::read_all(tmp / "stdout");
  v.log = cd::read_all(tmp / "stderr");
  if (code != 0) throw ChromiumError("chromium exited with " + std::to_string(code) + ":\n" + v.log);
  if (v.dom.find("<html") == std::string::npos) throw ChromiumError("chromium dumped no DOM for " + page.string());
  v.console = cd::parse_console(v.log);
  v.requests = cd::parse_file_loads(v.log, cd::file_url(page));
  cd::parse_netlog(cd::read_all(tmp / "netlog.json"), v);
  if (!fs::is_regular_file(shot)) throw ChromiumError("chromium wrote no screenshot " + shot.string());
  v.screenshot = shot;
  v.png_bytes = fs::file_size(shot);
  cd::inspect_png(cd::read_all(shot), v);
  return v;
}

}  // namespace regcheck::test
