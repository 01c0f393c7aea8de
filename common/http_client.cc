#include "common/http_client.h"

#include <algorithm>
#include <type_traits>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "common/base64.h"
#include "common/text.h"

namespace c4 {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

bool is_token(std::string_view text) {  // RFC 9110 token: a method or a header name
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  int number = std::stoi(std::string(port));
  return number > 0 && number <= 65535;
}

std::string base64_padded(std::string_view text) {
  std::string out = base64_encode_unpadded(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  while (out.size() % 4 != 0) out += '=';
  return out;
}

// The host as the Host header and origin() write it: brackets around an IPv6 address, the port
// when it is not the scheme's.
std::string authority_of(const HttpUrl& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  bool default_port = url.port == (url.tls ? "443" : "80");
  return default_port ? host : host + ":" + url.port;
}

// One request and its answer over `stream` (a tcp_stream, or a TLS stream over one), as a chain
// of asynchronous steps: resolve, connect, TLS handshake, write, read. The caller runs the I/O
// context for at most the call's timeout, then cancels what is left.
template <class Stream>
class Exchange {
 public:
  Exchange(Stream& stream, tcp::resolver& resolver, http::request<http::string_body>& request, size_t body_limit)
      : stream_(stream), resolver_(resolver), request_(request), body_limit_(body_limit) {
    parser_.body_limit(body_limit);
  }

  void start(const HttpUrl& url) {
    resolver_.async_resolve(url.host, url.port, [this](beast::error_code ec, tcp::resolver::results_type results) {
      if (ec) return fail("resolve", ec);
      beast::get_lowest_layer(stream_).async_connect(results, [this](beast::error_code ec, const tcp::endpoint&) {
        if (ec) return fail("connect", ec);
        if constexpr (std::is_same_v<Stream, TlsStream>) {
          stream_.async_handshake(net::ssl::stream_base::client, [this](beast::error_code ec) {
            if (ec) return fail("TLS handshake", ec);
            send();
          });
        } else {
          send();
        }
      });
    });
  }

  bool done() const { return done_; }
  const beast::error_code& error() const { return error_; }
  const char* failed_step() const { return step_; }
  HttpAnswer answer() { return {static_cast<int>(parser_.get().result_int()), std::move(parser_.get().body())}; }

 private:
  // The header first, so that a Content-Length over the limit ends the call before any of the
  // body is read (the parser's own limit was not reliable here: Beast 1.74 let such bodies
  // through now and then); the body's size is checked again once read.
  void send() {
    http::async_write(stream_, request_, [this](beast::error_code ec, size_t) {
      if (ec) return fail("write", ec);
      http::async_read_header(stream_, buffer_, parser_, [this](beast::error_code ec, size_t) {
        if (ec) return fail("read", ec);
        if (over_limit(parser_.content_length().value_or(0))) return fail("read", http::error::body_limit);
        http::async_read(stream_, buffer_, parser_, [this](beast::error_code ec, size_t) {
          if (ec) return fail("read", ec);
          if (over_limit(parser_.get().body().size())) return fail("read", http::error::body_limit);
          done_ = true;
        });
      });
    });
  }
  bool over_limit(uint64_t size) const { return size > body_limit_; }
  void fail(const char* step, beast::error_code ec) {
    if (done_) return;
    step_ = step;
    error_ = ec;
    done_ = true;
  }

  Stream& stream_;
  tcp::resolver& resolver_;
  http::request<http::string_body>& request_;
  beast::flat_buffer buffer_;
  const size_t body_limit_;
  http::response_parser<http::string_body> parser_;
  beast::error_code error_;
  const char* step_ = "";
  bool done_ = false;
};

template <class Stream>
Result<HttpAnswer> exchange(net::io_context& context, Stream& stream, const HttpUrl& url,
                            http::request<http::string_body>& request, const HttpCall& call, const std::string& where) {
  tcp::resolver resolver(context);
  Exchange<Stream> steps(stream, resolver, request, call.body_limit);
  steps.start(url);
  context.run_for(call.timeout);
  if (!steps.done()) {
    resolver.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);  // the pending step ends, aborted
    context.restart();
    context.run();
    return Status::unavailable(where + ": no whole answer within " + std::to_string(call.timeout.count()) + " ms");
  }
  if (steps.error()) return Status::unavailable(where + ": " + steps.failed_step() + ": " + steps.error().message());
  return steps.answer();
}

Status check_call(const HttpUrl& url, const HttpCall& call) {
  if (!is_token(call.method)) return Status::invalid("HTTP method \"" + call.method + "\" is not a token");
  std::string target = url.target + call.path_suffix;
  for (char c : target)
    if (is_control(c) || c == ' ') return Status::invalid("the request target holds a space or a control character");
  for (const auto& [name, value] : call.headers) {
    if (!is_token(name)) return Status::invalid("header name \"" + name + "\" is not a token");
    if (std::any_of(value.begin(), value.end(), [](char c) { return is_control(c) && c != '\t'; }))
      return Status::invalid("the value of header " + name + " holds a control character");
  }
  return Status::ok();
}

}  // namespace

std::string HttpUrl::origin() const { return std::string(tls ? "https://" : "http://") + authority_of(*this); }

Result<HttpUrl> parse_http_url(std::string_view url, std::string_view what) {
  HttpUrl out;
  std::string_view rest = url;
  auto bad = [&](const std::string& why) {
    // The user info is a secret: only the scheme and what follows '@' are named.
    std::string shown(url);
    size_t scheme_end = shown.find("://"), slash = shown.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    size_t at = shown.substr(0, slash).rfind('@');
    if (scheme_end != std::string::npos && at != std::string::npos && at > scheme_end)
      shown = shown.substr(0, scheme_end + 3) + "***@" + shown.substr(at + 1);
    std::string printable;
    for (char c : shown) printable += is_control(c) ? '?' : c;
    return Status::invalid(std::string(what) + " \"" + printable + "\": " + why);
  };
  if (std::any_of(url.begin(), url.end(), [](char c) { return is_control(c) || c == ' '; }))
    return bad("holds a space or a control character");
  if (rest.rfind("https://", 0) == 0) {
    out.tls = true;
    rest.remove_prefix(8);
  } else if (rest.rfind("http://", 0) == 0) {
    rest.remove_prefix(7);
  } else {
    return bad("expected http:// or https://");
  }
  size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() != '/') out.target.insert(0, "/");
  if (size_t hash = out.target.find('#'); hash != std::string::npos) out.target.resize(hash);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    out.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  size_t colon = authority.rfind(':');
  bool bracketed = !authority.empty() && authority.front() == '[';
  if (colon != std::string_view::npos && (!bracketed || authority.find(']') < colon)) {
    out.port = std::string(authority.substr(colon + 1));
    authority = authority.substr(0, colon);
  } else {
    out.port = out.tls ? "443" : "80";
  }
  if (bracketed) {
    if (authority.size() < 3 || authority.back() != ']') return bad("expected http(s)://HOST[:PORT][/PATH]");
    authority = authority.substr(1, authority.size() - 2);
  }
  out.host = std::string(authority);
  if (out.host.empty() || !valid_port(out.port)) return bad("expected http(s)://HOST[:PORT][/PATH]");
  return out;
}

Result<HttpAnswer> http_call(const HttpUrl& url, const HttpCall& call) {
  if (auto checked = check_call(url, call); !checked) return checked;
  http::request<http::string_body> request{http::string_to_verb(call.method), url.target + call.path_suffix, 11};
  if (request.method() == http::verb::unknown) request.method_string(call.method);
  request.set(http::field::host, authority_of(url));
  request.set(http::field::user_agent, "c4confd");
  // The user info of a URL is percent-encoded (RFC 3986); Basic auth carries it decoded.
  if (!url.userinfo.empty())
    request.set(http::field::authorization, "Basic " + base64_padded(*percent_decode(url.userinfo)));
  for (const auto& [name, value] : call.headers) request.set(name, value);
  if (!call.body.empty()) {
    request.set(http::field::content_type, call.content_type);
    request.body() = call.body;
  }
  request.prepare_payload();
  const std::string where = call.method + " " + url.origin();
  try {
    net::io_context context;
    if (!url.tls) {
      beast::tcp_stream stream(context);
      return exchange(context, stream, url, request, call, where);
    }
    net::ssl::context tls(net::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(net::ssl::verify_peer);
    TlsStream stream(context, tls);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()))
      return Status::unavailable(where + ": TLS: cannot set the server name");
    stream.set_verify_callback(net::ssl::host_name_verification(url.host));
    return exchange(context, stream, url, request, call, where);
  } catch (const std::exception& e) {
    return Status::unavailable(where + ": " + e.what());
  }
}

}  // namespace c4
