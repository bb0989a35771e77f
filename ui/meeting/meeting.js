// Starts Jitsi's IFrame API (https://jitsi.github.io/handbook/docs/dev-guide/dev-guide-iframe)
// on the room named in the query string, and closes the window when the
// call is hung up; the shell then ends the meeting and opens its note.
(function () {
  "use strict";
  var q = new URLSearchParams(window.location.search);
  var base = q.get("base") || "https://meet.jit.si";
  var host = q.get("host") || "meet.jit.si";
  var room = q.get("room") || "";
  var status = document.getElementById("status");
  document.title = q.get("title") || "Banco";
  status.textContent = q.get("msg_loading") || "…";

  function closeWindow() {
    try {
      window.__TAURI__.window.getCurrentWindow().close();
    } catch (e) {
      window.close();
    }
  }

  var script = document.createElement("script");
  script.src = base + "/external_api.js";
  script.onload = function () {
    status.textContent = "";
    var api = new window.JitsiMeetExternalAPI(host, {
      roomName: room,
      parentNode: document.getElementById("jitsi"),
      width: "100%",
      height: "100%",
      userInfo: { displayName: q.get("name") || "" },
      configOverwrite: { prejoinConfig: { enabled: false } },
    });
    window.bancoMeeting = api;
    api.addListener("readyToClose", closeWindow);
  };
  script.onerror = function () {
    status.textContent = (q.get("msg_unreachable") || "") + " " + base;
  };
  document.head.appendChild(script);
})();
