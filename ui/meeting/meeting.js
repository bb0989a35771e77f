// Starts Jitsi's IFrame API (https://jitsi.github.io/handbook/docs/dev-guide/dev-guide-iframe)
// on the room named in the query string, with the user's token when the
// server admits people by token (issue 19); shows who is in the call and
// for how long, and says so when the server ends the call or refuses the
// token. Hanging up closes the window; the shell then ends the meeting and
// opens its note (also when the server ended it: the user closes the window).
(function () {
  "use strict";
  var q = new URLSearchParams(window.location.search);
  var base = q.get("base") || "https://meet.jit.si";
  var host = q.get("host") || "meet.jit.si";
  var room = q.get("room") || "";
  var jwt = q.get("jwt") || "";
  var status = document.getElementById("status");
  var people = {};
  var since = null;
  var problem = "";
  document.title = q.get("title") || "Banco";
  status.textContent = q.get("msg_loading") || "…";

  function closeWindow() {
    try {
      window.__TAURI__.window.getCurrentWindow().close();
    } catch (e) {
      window.close();
    }
  }

  // Seconds since the Unix epoch when the token expires (0 if unknown).
  function tokenExpiry() {
    try {
      var part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part)).exp || 0;
    } catch (e) {
      return 0;
    }
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function show() {
    if (problem) {
      status.textContent = problem;
      status.className = "problem";
      return;
    }
    if (since === null) return;
    var names = Object.keys(people).map(function (k) { return people[k]; });
    var elapsed = Math.floor((Date.now() - since) / 1000);
    status.textContent = (q.get("msg_in_call") || "") + " " + names.join(", ") + " · " + clock(elapsed);
    status.className = "in-call";
  }

  // An error of the IFrame API (`errorOccurred`): the server ended the
  // conference, or refused the user (a bad or expired token).
  function onError(e) {
    var name = (e && e.name) || "";
    if (/destroyed|conferenceDestroyed|kicked/i.test(name)) {
      problem = q.get("msg_server_ended") || name;
    } else if (/password|authentication|notAllowed|membersOnly|token/i.test(name)) {
      var exp = tokenExpiry();
      problem = exp && exp * 1000 <= Date.now()
        ? q.get("msg_token_expired") || name
        : q.get("msg_token_refused") || name;
    } else if (e && e.isFatal) {
      problem = name;
    }
    show();
  }

  var script = document.createElement("script");
  script.src = base + "/external_api.js";
  script.onload = function () {
    status.textContent = "";
    var options = {
      roomName: room,
      parentNode: document.getElementById("jitsi"),
      width: "100%",
      height: "100%",
      userInfo: { displayName: q.get("name") || "" },
      configOverwrite: { prejoinConfig: { enabled: false } },
    };
    if (jwt) options.jwt = jwt;
    var api = new window.JitsiMeetExternalAPI(host, options);
    window.bancoMeeting = api;
    api.addListener("videoConferenceJoined", function (e) {
      people[e.id || "me"] = e.displayName || q.get("name") || "";
      since = Date.now();
      show();
    });
    api.addListener("participantJoined", function (e) {
      people[e.id] = e.displayName || "?";
      show();
    });
    api.addListener("displayNameChange", function (e) {
      if (people[e.id] !== undefined) people[e.id] = e.displayname || e.displayName || people[e.id];
      show();
    });
    api.addListener("participantLeft", function (e) {
      delete people[e.id];
      show();
    });
    api.addListener("errorOccurred", onError);
    api.addListener("readyToClose", function () {
      // After the server ended the call the user reads why, then closes.
      if (!problem) closeWindow();
    });
    setInterval(show, 1000);
  };
  script.onerror = function () {
    status.textContent = (q.get("msg_unreachable") || "") + " " + base;
  };
  document.head.appendChild(script);
})();
