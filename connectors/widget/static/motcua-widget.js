/*
 * motcua web chat widget — the public-service assistant on any page, with ONE script tag:
 *
 *   <script src="https://gateway.example/widget/motcua-widget.js"
 *           data-api="https://gateway.example" data-lang="vi" defer></script>
 *
 * data-api  the gateway's origin (default: the origin the script was loaded from); a page on another origin
 *           must be listed in the gateway's MOTCUA_ALLOWED_ORIGINS.
 * data-lang "vi" or "en" (default: the page's <html lang>, then the browser's language, then "vi").
 *
 * Vanilla JS, no build step, no dependencies. Everything lives in an open shadow root under
 * <div id="motcua-widget">, so the host page's CSS and ours never meet. Message content is only ever inserted with
 * textContent / createElement: HTML in a message shows as text. The conversation (sender id, last 50 messages)
 * and the large-text choice are kept in localStorage.
 */
(function () {
  "use strict";

  var HOST_ID = "motcua-widget";
  if (document.getElementById(HOST_ID)) return; // embedded twice: keep the first

  var STORAGE_KEY = "motcua-widget:v1";
  var MAX_STORED = 50;
  var MAX_CHARS = 2000;
  var REQUEST_TIMEOUT_MS = 30000;
  var SENDER_RE = /^[A-Za-z0-9_.:\-]{1,128}$/;
  var URL_RE = /https?:\/\/[^\s<>"')\]]+/g;
  var SVG_NS = "http://www.w3.org/2000/svg";

  var STRINGS = {
    vi: {
      title: "Trợ lý ảo thủ tục hành chính",
      subtitle: "Hỏi đáp 24/7 về dịch vụ công",
      launcher: "Hỏi đáp thủ tục",
      open: "Mở trợ lý ảo thủ tục hành chính",
      close: "Đóng",
      placeholder: "Nhập câu hỏi, ví dụ: làm giấy khai sinh cần gì?",
      inputLabel: "Câu hỏi của bạn",
      send: "Gửi",
      sendLabel: "Gửi tin nhắn",
      largeText: "Chữ lớn",
      newConversation: "Cuộc trò chuyện mới",
      log: "Nội dung trò chuyện",
      typing: "Trợ lý đang trả lời…",
      you: "Bạn",
      bot: "Trợ lý",
      error: "Xin lỗi, chưa gửi được tin nhắn. Bạn vui lòng thử lại sau ít phút nhé.",
      hint: "Enter để gửi · Shift+Enter để xuống dòng",
      counter: "ký tự",
      newTab: "(mở trong thẻ mới)",
      welcome:
        "Xin chào! Tôi là trợ lý ảo hỗ trợ thủ tục hành chính. Bạn cứ nhắn câu hỏi, " +
        "ví dụ: \u201clàm giấy khai sinh cần giấy tờ gì\u201d."
    },
    en: {
      title: "Public-service assistant",
      subtitle: "Questions about procedures, 24/7",
      launcher: "Ask about procedures",
      open: "Open the public-service assistant",
      close: "Close",
      placeholder: "Type your question, e.g. how do I register a birth?",
      inputLabel: "Your question",
      send: "Send",
      sendLabel: "Send message",
      largeText: "Large text",
      newConversation: "New conversation",
      log: "Conversation",
      typing: "The assistant is typing…",
      you: "You",
      bot: "Assistant",
      error: "Sorry, your message could not be sent. Please try again shortly.",
      hint: "Enter to send · Shift+Enter for a new line",
      counter: "characters",
      newTab: "(opens in a new tab)",
      welcome:
        "Hello! I am the virtual assistant for administrative procedures. Ask me anything, " +
        "for example: \u201chow do I register a birth\u201d."
    }
  };

  // ---- configuration from the script tag -------------------------------------------------------------------

  var script = document.currentScript || document.querySelector('script[src*="motcua-widget.js"]');
  var scriptSrc = (script && script.src) || location.href;

  function pickLang(value) {
    value = String(value || "").toLowerCase();
    if (value.indexOf("en") === 0) return "en";
    if (value.indexOf("vi") === 0) return "vi";
    return "";
  }

  var lang =
    pickLang(script && script.getAttribute("data-lang")) ||
    pickLang(document.documentElement.getAttribute("lang")) ||
    pickLang(navigator.language) ||
    "vi";
  var t = STRINGS[lang];
  var apiBase = ((script && script.getAttribute("data-api")) || new URL(scriptSrc, location.href).origin).replace(
    /\/+$/,
    ""
  );
  var cssHref = new URL("motcua-widget.css", new URL(scriptSrc, location.href)).href;

  // ---- storage -----------------------------------------------------------------------------------------------

  function newSenderId() {
    var bytes = new Uint8Array(12);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    var hex = "";
    for (var j = 0; j < bytes.length; j++) hex += ("0" + bytes[j].toString(16)).slice(-2);
    return "w" + hex;
  }

  function cleanButton(b) {
    if (!b || typeof b.title !== "string") return null;
    var payload = typeof b.payload === "string" ? b.payload : "";
    var url = safeUrl(b.url);
    return payload || url ? { title: b.title, payload: payload, url: url } : null;
  }

  function cleanMessage(m) {
    if (!m || (m.role !== "user" && m.role !== "bot")) return null;
    var buttons = [];
    if (m.role === "bot" && Array.isArray(m.buttons)) {
      for (var i = 0; i < m.buttons.length && buttons.length < 10; i++) {
        var b = cleanButton(m.buttons[i]);
        if (b) buttons.push(b);
      }
    }
    var text = typeof m.text === "string" ? m.text : "";
    var image = m.role === "bot" ? safeUrl(m.image) : "";
    if (!text && !buttons.length && !image) return null;
    return { role: m.role, text: text, buttons: buttons, image: image };
  }

  function load() {
    var state = { sender: "", messages: [], large: false };
    try {
      var raw = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
      if (raw && typeof raw === "object") {
        if (typeof raw.sender === "string" && SENDER_RE.test(raw.sender)) state.sender = raw.sender;
        if (Array.isArray(raw.messages)) {
          for (var i = 0; i < raw.messages.length; i++) {
            var m = cleanMessage(raw.messages[i]);
            if (m) state.messages.push(m);
          }
        }
        state.large = raw.large === true;
      }
    } catch (e) {
      /* storage disabled or corrupt: start afresh */
    }
    if (!state.sender) state.sender = newSenderId();
    state.messages = state.messages.slice(-MAX_STORED);
    return state;
  }

  var state = load();

  function save() {
    state.messages = state.messages.slice(-MAX_STORED);
    try {
      window.localStorage.setItem(
        STORAGE_KEY,
        JSON.stringify({ sender: state.sender, messages: state.messages, large: state.large })
      );
    } catch (e) {
      /* storage full or disabled: the conversation still works, it just won't survive a reload */
    }
  }

  // ---- DOM helpers (text nodes and elements only) ---------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function attrs(node, values) {
    for (var key in values) {
      if (Object.prototype.hasOwnProperty.call(values, key)) node.setAttribute(key, values[key]);
    }
    return node;
  }

  function safeUrl(value) {
    if (typeof value !== "string") return "";
    try {
      var url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : "";
    } catch (e) {
      return "";
    }
  }

  function svgIcon(paths) {
    var svg = document.createElementNS(SVG_NS, "svg");
    attrs(svg, { viewBox: "0 0 24 24", width: "24", height: "24", "aria-hidden": "true", focusable: "false" });
    for (var i = 0; i < paths.length; i++) {
      var p = document.createElementNS(SVG_NS, "path");
      p.setAttribute("d", paths[i]);
      svg.appendChild(p);
    }
    return svg;
  }

  var ICON_CHAT = ["M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"];
  var ICON_CLOSE = ["M6 6l12 12M18 6L6 18"];
  var ICON_NEW = ["M4 12a8 8 0 1 0 2.3-5.7", "M4 4v4h4"];

  function newTabLink(href, text, className) {
    var a = el("a", className, text);
    attrs(a, { href: href, target: "_blank", rel: "noopener noreferrer" });
    return a;
  }

  /** Text with its http(s) URLs as links; everything else as text nodes. */
  function linkified(text) {
    var frag = document.createDocumentFragment();
    var last = 0;
    URL_RE.lastIndex = 0;
    var match;
    while ((match = URL_RE.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?]+$/, "");
      var href = safeUrl(raw);
      if (!href) continue;
      if (match.index > last) frag.appendChild(document.createTextNode(text.slice(last, match.index)));
      frag.appendChild(newTabLink(href, raw, "mcw-link"));
      last = match.index + raw.length;
    }
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  // ---- the widget's DOM --------------------------------------------------------------------------------------

  var host = el("div");
  host.id = HOST_ID;
  host.hidden = true; // shown once our stylesheet has loaded (no flash of unstyled content)
  var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

  var link = attrs(el("link"), { rel: "stylesheet", href: cssHref });
  var root = attrs(el("div", "mcw-root"), { lang: lang });

  var launcher = attrs(el("button", "mcw-launcher"), {
    type: "button",
    "aria-label": t.open,
    "aria-expanded": "false",
    "aria-controls": "mcw-panel"
  });
  launcher.appendChild(svgIcon(ICON_CHAT));
  launcher.appendChild(el("span", "mcw-launcher-text", t.launcher));

  var panel = attrs(el("section", "mcw-panel"), {
    id: "mcw-panel",
    role: "dialog",
    "aria-modal": "false",
    "aria-labelledby": "mcw-title"
  });
  panel.hidden = true;

  var header = el("header", "mcw-header");
  var heading = el("div", "mcw-heading");
  heading.appendChild(attrs(el("h2", "mcw-title", t.title), { id: "mcw-title" }));
  heading.appendChild(el("p", "mcw-subtitle", t.subtitle));
  var tools = el("div", "mcw-tools");

  function toolButton(className, label, content) {
    var b = attrs(el("button", "mcw-tool " + className), { type: "button", "aria-label": label, title: label });
    if (typeof content === "string") {
      content = attrs(el("span", "mcw-tool-text", content), { "aria-hidden": "true" });
    }
    b.appendChild(content);
    return b;
  }

  var largeButton = toolButton("mcw-large-toggle", t.largeText, "A+");
  largeButton.setAttribute("aria-pressed", "false");
  var newButton = toolButton("mcw-new", t.newConversation, svgIcon(ICON_NEW));
  var closeButton = toolButton("mcw-close", t.close, svgIcon(ICON_CLOSE));
  tools.appendChild(largeButton);
  tools.appendChild(newButton);
  tools.appendChild(closeButton);
  header.appendChild(heading);
  header.appendChild(tools);

  var log = attrs(el("div", "mcw-log"), {
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": t.log,
    tabindex: "0"
  });

  var typing = attrs(el("div", "mcw-msg mcw-bot mcw-typing"), { role: "status" });
  var dots = attrs(el("div", "mcw-bubble mcw-dots"), { "aria-hidden": "true" });
  dots.appendChild(el("span"));
  dots.appendChild(el("span"));
  dots.appendChild(el("span"));
  typing.appendChild(dots);
  typing.appendChild(el("span", "mcw-sr-only", t.typing));

  var form = attrs(el("form", "mcw-form"), { novalidate: "" });
  var inputLabel = attrs(el("label", "mcw-sr-only", t.inputLabel), { for: "mcw-input" });
  var input = attrs(el("textarea", "mcw-input"), {
    id: "mcw-input",
    rows: "2",
    maxlength: String(MAX_CHARS),
    placeholder: t.placeholder,
    "aria-describedby": "mcw-counter mcw-hint",
    autocomplete: "off"
  });
  var sendButton = attrs(el("button", "mcw-send", t.send), { type: "submit", "aria-label": t.sendLabel });
  var formRow = el("div", "mcw-form-row");
  var hint = attrs(el("span", "mcw-hint", t.hint), { id: "mcw-hint" });
  var counter = attrs(el("span", "mcw-counter"), { id: "mcw-counter", "aria-live": "off" });
  var counterWrap = el("span", "mcw-meta");
  counterWrap.appendChild(counter);
  counterWrap.appendChild(hint);
  var inputRow = el("div", "mcw-input-row");
  inputRow.appendChild(input);
  inputRow.appendChild(sendButton);
  formRow.appendChild(counterWrap);
  form.appendChild(inputLabel);
  form.appendChild(inputRow);
  form.appendChild(formRow);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);
  shadow.appendChild(link);
  shadow.appendChild(root);

  function reveal() {
    host.hidden = false;
  }
  link.addEventListener("load", reveal);
  link.addEventListener("error", reveal);

  // ---- rendering ---------------------------------------------------------------------------------------------

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function renderMessage(m, extraClass) {
    var className = "mcw-msg " + (m.role === "user" ? "mcw-user" : "mcw-bot");
    var item = el("div", extraClass ? className + " " + extraClass : className);
    item.appendChild(el("span", "mcw-sr-only", (m.role === "user" ? t.you : t.bot) + ": "));
    if (m.text) {
      var bubble = el("div", "mcw-bubble");
      if (m.role === "bot") bubble.appendChild(linkified(m.text));
      else bubble.textContent = m.text;
      item.appendChild(bubble);
    }
    if (m.image) {
      item.appendChild(
        attrs(el("img", "mcw-image"), { src: m.image, alt: "", loading: "lazy", referrerpolicy: "no-referrer" })
      );
    }
    if (m.buttons && m.buttons.length) {
      var quick = el("div", "mcw-quick-replies");
      for (var i = 0; i < m.buttons.length; i++) quick.appendChild(renderButton(m.buttons[i]));
      item.appendChild(quick);
    }
    return item;
  }

  function renderButton(b) {
    if (b.url) {
      var a = newTabLink(b.url, b.title, "mcw-quick mcw-quick-link");
      a.setAttribute("aria-label", b.title + " " + t.newTab);
      return a;
    }
    var button = attrs(el("button", "mcw-quick", b.title), { type: "button", "aria-label": b.title });
    button.addEventListener("click", function () {
      send(b.payload, b.title, false);
    });
    return button;
  }

  function renderAll() {
    while (log.firstChild) log.removeChild(log.firstChild);
    log.appendChild(renderMessage({ role: "bot", text: t.welcome, buttons: [], image: "" }, "mcw-welcome"));
    for (var i = 0; i < state.messages.length; i++) log.appendChild(renderMessage(state.messages[i]));
    scrollToEnd();
  }

  function addMessage(m) {
    var clean = cleanMessage(m);
    if (!clean) return null;
    state.messages.push(clean);
    var node = renderMessage(clean);
    log.insertBefore(node, typing.parentNode === log ? typing : null);
    scrollToEnd();
    return node;
  }

  function showError() {
    var node = renderMessage({ role: "bot", text: t.error, buttons: [], image: "" }, "mcw-error");
    node.setAttribute("role", "alert");
    log.appendChild(node);
    scrollToEnd();
  }

  function clearErrors() {
    var errors = log.querySelectorAll(".mcw-error");
    for (var i = 0; i < errors.length; i++) errors[i].parentNode.removeChild(errors[i]);
  }

  function updateCounter() {
    var n = input.value.length;
    counter.textContent = n + "/" + MAX_CHARS + " " + t.counter;
    counter.classList.toggle("mcw-counter-full", n >= MAX_CHARS);
  }

  function applyLarge() {
    root.classList.toggle("mcw-large", state.large);
    largeButton.setAttribute("aria-pressed", state.large ? "true" : "false");
  }

  // ---- talking to the gateway --------------------------------------------------------------------------------

  var pending = false;

  function setPending(value) {
    pending = value;
    sendButton.disabled = value;
    root.classList.toggle("mcw-busy", value);
    if (value) {
      log.appendChild(typing);
      scrollToEnd();
    } else if (typing.parentNode) {
      typing.parentNode.removeChild(typing);
    }
  }

  /**
   * Sends `message` (what the gateway gets) and shows `display` as the user's bubble (a button's title for a
   * payload). A typed message that could not be delivered goes back into the input.
   */
  function send(message, display, typed) {
    if (pending || !message || !message.trim()) return;
    clearErrors();
    var userNode = addMessage({ role: "user", text: display || message });
    var userEntry = userNode ? state.messages[state.messages.length - 1] : null;
    save();
    if (typed) {
      input.value = "";
      updateCounter();
    }
    setPending(true);

    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller
      ? window.setTimeout(function () {
          controller.abort();
        }, REQUEST_TIMEOUT_MS)
      : 0;

    fetch(apiBase + "/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ sender_id: state.sender, message: message, lang: lang }),
      credentials: "omit",
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var replies = data && Array.isArray(data.messages) ? data.messages : [];
        setPending(false);
        var shown = 0;
        for (var i = 0; i < replies.length; i++) {
          var r = replies[i] || {};
          if (addMessage({ role: "bot", text: r.text, buttons: r.buttons, image: r.image })) shown++;
        }
        if (!shown) throw new Error("no reply");
        save();
      })
      .catch(function () {
        setPending(false);
        // take the undelivered message back: out of the transcript, and (if typed) into the input again
        var at = userEntry ? state.messages.lastIndexOf(userEntry) : -1;
        if (at >= 0 && at === state.messages.length - 1) {
          state.messages.splice(at, 1);
          if (userNode && userNode.parentNode) userNode.parentNode.removeChild(userNode);
          save();
        }
        if (typed && !input.value) {
          input.value = message;
          updateCounter();
        }
        showError();
      })
      .then(function () {
        if (timer) window.clearTimeout(timer);
      });
  }

  // ---- dossier notices waiting for this conversation (GET /api/notices) ------------------------------------

  var fetchingNotices = false;

  /**
   * Shows the dossier notices the gateway kept for this conversation (a followed dossier changed while the
   * widget was closed). Each notice is handed out once. Only a conversation that has messages can follow a
   * dossier, so a first visit sends no request. Failures are silent: the notices are not the citizen's messages.
   */
  function fetchNotices() {
    if (fetchingNotices || !state.messages.length || !window.fetch) return;
    fetchingNotices = true;
    var sender = state.sender;
    fetch(apiBase + "/api/notices?sender_id=" + encodeURIComponent(sender), {
      method: "GET",
      headers: { Accept: "application/json" },
      credentials: "omit",
      cache: "no-store"
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (sender !== state.sender) return; // a new conversation was started meanwhile
        var notices = data && Array.isArray(data.messages) ? data.messages : [];
        var shown = 0;
        for (var i = 0; i < notices.length; i++) {
          var n = notices[i] || {};
          if (addMessage({ role: "bot", text: n.text, buttons: [], image: "" })) shown++;
        }
        if (shown) save();
      })
      .catch(function () {
        /* no notices this time */
      })
      .then(function () {
        fetchingNotices = false;
      });
  }

  // ---- behaviour ---------------------------------------------------------------------------------------------

  function isOpen() {
    return !panel.hidden;
  }

  function open() {
    panel.hidden = false;
    root.classList.add("mcw-open");
    launcher.setAttribute("aria-expanded", "true");
    scrollToEnd();
    input.focus();
    fetchNotices();
  }

  function close() {
    panel.hidden = true;
    root.classList.remove("mcw-open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (isOpen()) close();
    else open();
  });
  closeButton.addEventListener("click", close);

  largeButton.addEventListener("click", function () {
    state.large = !state.large;
    applyLarge();
    save();
  });

  newButton.addEventListener("click", function () {
    if (pending) return;
    state.sender = newSenderId();
    state.messages = [];
    save();
    renderAll();
    input.value = "";
    updateCounter();
    input.focus();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (text.length > MAX_CHARS) text = text.slice(0, MAX_CHARS);
    send(text, text, true);
  });

  input.addEventListener("keydown", function (event) {
    // Enter sends, Shift+Enter is a new line; never while an IME (Vietnamese Telex/VNI) is composing
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      if (typeof form.requestSubmit === "function") form.requestSubmit();
      else form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  input.addEventListener("input", updateCounter);

  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      close();
    }
  });

  applyLarge();
  updateCounter();
  renderAll();

  function mount() {
    document.body.appendChild(host);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
