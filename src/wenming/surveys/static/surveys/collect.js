/* Wenming — the interviewer's questionnaire form (问卷采集) on a phone. Plain JS, no framework.

   - The respondent being interviewed is a draft in localStorage ("wenming.survey.<user>.<wave>.draft"), saved at every
     answer, so a reload, a crash or a lost connection loses nothing. The interview place (area) is kept for
     the next respondent ("wenming.survey.<user>.<wave>.place").
   - Submitting moves the answers to an outbox ("wenming.survey.out.<user>.<client id>") and starts the next
     respondent at once; the outbox is sent whenever the browser is online. Each answer sheet carries a
     client-generated UUID: the server returns the same response for the same UUID, so resending never
     duplicates. Refused sheets (e.g. the wave was closed) stay in the outbox with the reason until discarded.
   - Eligibility (age range, residence) is checked before the interview goes on; GPS is recorded with the sheet.
   - A service worker (/surveys/sw.js) keeps the form and static files available offline.
   Storage, sending and resending come from wenming/outbox.js (loaded first). */
(function () {
  "use strict";
  var O = window.WenmingOutbox, $ = O.$, $$ = O.$$, load = O.load, store = O.store;
  // Keys carry the signed-in interviewer: a shared phone must never send one interviewer's answers as another's.
  var USER = (document.querySelector("form[data-collect]") || {getAttribute: function () { return "0"; }})
    .getAttribute("data-user");
  var OUT = "wenming.survey.out." + USER + ".";
  var CACHE = "wenming-survey-v1";
  var RETRY_MS = 15000;
  var SKIP = {csrfmiddlewaretoken: 1, client_id: 1, started_at: 1, completed_at: 1, lat: 1, lon: 1, accuracy: 1, coord_system: 1};

  function outboxKeys() { return O.keys(OUT); }

  // --- sending the outbox ----------------------------------------------------------------------------
  function send(key) {
    return O.send(key, function () {
      var item = load(key);
      if (!item || item.status === "failed") return null;
      return {url: item.submit_url, body: JSON.stringify(item.payload), headers: {"Content-Type": "application/json"},
              refused: function (r) {
                if (r.status >= 500) return {ok: false, retry: true};
                if (r.redirected || r.status === 403) {
                  return {ok: false, retry: true, error: "登录已过期或无权提交，请重新登录（答卷已保存在手机上）。"};
                }
                item.status = "failed";
                item.error = r.json && r.json.error ? r.json.error : "提交失败（HTTP " + r.status + "）。";
                store(key, item);
                return {ok: false, error: item.error};
              }};
    });
  }

  // --- the form ----------------------------------------------------------------------------------------
  function init(form) {
    var wave = form.getAttribute("data-wave");
    var draftKey = "wenming.survey." + USER + "." + wave + ".draft";
    var placeKey = "wenming.survey." + USER + "." + wave + ".place";
    var minAge = parseInt(form.getAttribute("data-min-age"), 10);
    var maxAge = parseInt(form.getAttribute("data-max-age"), 10);
    var status = $("#collect-status"), progress = $("#collect-progress"), gps = $("#gps-status");
    var eligibility = $("#eligibility"), submitBtn = $("#collect-submit");
    var outCount = $("#outbox-count"), failedBox = $("#outbox-failed"), failedList = $("#outbox-failed-list");
    var items = $$(".q-item", form);
    var position = {lat: null, lon: null, accuracy: null};
    var draft;

    form.noValidate = true;
    form.classList.add("js-ready");

    function setStatus(text, cls) { status.textContent = text || ""; status.className = "small" + (cls ? " " + cls : ""); }

    function newDraft() { return {client_id: O.uuid4(), started_at: null, fields: {}}; }

    function fieldNames() {
      var names = {};
      $$("[name]", form).forEach(function (el) { if (!SKIP[el.name]) names[el.name] = 1; });
      return Object.keys(names);
    }

    function valueOf(name) {
      var els = $$('[name="' + name + '"]', form);
      if (!els.length) return "";
      if (els[0].type === "radio") {
        var checked = els.filter(function (e) { return e.checked; })[0];
        return checked ? checked.value : "";
      }
      return els[0].value;
    }

    function setValue(name, value) {
      $$('[name="' + name + '"]', form).forEach(function (el) {
        if (el.type === "radio") el.checked = el.value === value; else el.value = value == null ? "" : value;
      });
    }

    function read() {
      fieldNames().forEach(function (name) { draft.fields[name] = valueOf(name); });
    }

    function write() {
      fieldNames().forEach(function (name) { if (name in draft.fields) setValue(name, draft.fields[name]); });
      form.elements.client_id.value = draft.client_id;
    }

    function save() {
      read();
      if (!store(draftKey, draft)) setStatus("手机存储空间不足，草稿未能保存。", "bad");
      var place = {stratum: valueOf("stratum"), area: valueOf("area")};
      store(placeKey, place);
    }

    function filterAreas() {
      var area = $("#id_area"), stratum = valueOf("stratum");
      if (!area) return;
      $$("option[data-stratum]", area).forEach(function (o) {
        var show = !stratum || o.getAttribute("data-stratum") === stratum;
        o.hidden = !show; o.disabled = !show;
        if (!show && o.selected) area.value = "";
      });
    }

    function eligible() {
      var age = parseInt(valueOf("age"), 10);
      var residence = $('input[name="residence"]:checked', form);
      var problems = [];
      if (!isNaN(age) && (age < minAge || age > maxAge)) problems.push("年龄 " + age + " 岁不在 " + minAge + "–" + maxAge + " 岁范围内");
      if (residence && residence.hasAttribute("data-ineligible")) problems.push("居住时间不够");
      eligibility.hidden = !problems.length;
      eligibility.textContent = problems.length
        ? "不符合调查对象条件（" + problems.join("，") + "）。调查对象：" + form.getAttribute("data-eligibility") + "。请礼貌结束访问，不要提交。"
        : "";
      return !problems.length;
    }

    function refresh() {
      var answered = 0, required = 0;
      items.forEach(function (item) {
        var name = "q_" + item.getAttribute("data-question");
        var done = !!valueOf(name).trim();
        item.classList.toggle("is-answered", done);
        if (item.getAttribute("data-required") === "1") { required++; if (done) answered++; }
      });
      progress.textContent = "必答 " + answered + " / " + required;
      eligible();
    }

    function refreshOutbox() {
      var keys = outboxKeys(), failed = [];
      keys.forEach(function (k) { var it = load(k); if (it && it.status === "failed") failed.push([k, it]); });
      outCount.textContent = String(keys.length);
      failedBox.hidden = !failed.length;
      failedList.innerHTML = "";
      failed.forEach(function (pair) {
        var li = document.createElement("li");
        li.textContent = (pair[1].saved_at || "").replace("T", " ").slice(0, 16) + "：" + pair[1].error + " ";
        var btn = document.createElement("button");
        btn.type = "button"; btn.className = "btn btn-sm"; btn.textContent = "删除";
        btn.addEventListener("click", function () { localStorage.removeItem(pair[0]); refreshOutbox(); });
        li.appendChild(btn); failedList.appendChild(li);
      });
    }

    function flush() {
      var keys = outboxKeys();
      if (!keys.length) { refreshOutbox(); return Promise.resolve(); }
      return Promise.all(keys.map(send)).then(function (results) {
        var sent = results.filter(function (r) { return r.ok; });
        var offline = results.some(function (r) { return r.offline || r.retry; });
        var failed = results.filter(function (r) { return r.error && !r.retry; });
        refreshOutbox();
        if (sent.length) setStatus("已上传 " + sent.length + " 份答卷。", "ok");
        if (failed.length) setStatus(failed[0].error, "bad");
        else if (offline) setStatus("网络不可用：答卷已保存在手机上，恢复网络后自动上传。", "warn");
      });
    }

    function firstProblem() {
      if (!valueOf("stratum")) return [$("#id_stratum"), "请选择调查区域。"];
      if (!valueOf("age")) return [$("#id_age"), "请填写受访者年龄。"];
      if (!valueOf("residence")) return [$('[data-field="residence"]'), "请选择居住时间。"];
      if (!valueOf("occupation")) return [$("#id_occupation"), "请选择职业。"];
      if (!eligible()) return [eligibility, "受访者不符合调查对象条件，不能提交。"];
      for (var i = 0; i < items.length; i++) {
        var q = items[i];
        if (q.getAttribute("data-required") === "1" && !valueOf("q_" + q.getAttribute("data-question")).trim()) {
          return [q, "还有必答题未作答。"];
        }
      }
      return null;
    }

    function payload() {
      var answers = {};
      items.forEach(function (item) {
        var qid = item.getAttribute("data-question"), v = valueOf("q_" + qid).trim();
        if (v) answers[qid] = v;
      });
      return {
        client_id: draft.client_id, stratum: valueOf("stratum"), area: valueOf("area") || null,
        age: valueOf("age"), residence: valueOf("residence"), occupation: valueOf("occupation"),
        started_at: draft.started_at, completed_at: new Date().toISOString(),
        lat: position.lat, lon: position.lon, accuracy: position.accuracy, coord_system: "WGS84", answers: answers
      };
    }

    function nextRespondent() {
      var place = load(placeKey) || {};
      draft = newDraft();
      form.reset();
      setValue("stratum", place.stratum || "");
      filterAreas();
      setValue("area", place.area || "");
      save();
      refresh();
      window.scrollTo(0, 0);
    }

    // restore, then listen
    draft = load(draftKey);
    if (!draft || !draft.client_id) {
      draft = newDraft();
      var place = load(placeKey);
      if (place) { draft.fields.stratum = place.stratum; draft.fields.area = place.area; }
    }
    write();
    filterAreas();
    refresh();
    refreshOutbox();
    if (draft.started_at) setStatus("已恢复未完成的答卷。", "ok");

    function touched() {
      if (!draft.started_at) draft.started_at = new Date().toISOString();
      save();
      refresh();
    }
    form.addEventListener("change", function (e) {
      if (e.target.name === "stratum") filterAreas();
      touched();
    });
    form.addEventListener("input", function (e) {
      if (e.target.tagName === "TEXTAREA" || e.target.type === "number") touched();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      read();
      var problem = firstProblem();
      if (problem) {
        setStatus(problem[1], "bad");
        if (problem[0]) {
          problem[0].classList.add("needs-answer");
          problem[0].scrollIntoView({block: "center"});
          setTimeout(function () { problem[0].classList.remove("needs-answer"); }, 2500);
        }
        return;
      }
      var body = payload();
      if (!store(OUT + body.client_id, {submit_url: form.getAttribute("data-submit-url"), payload: body,
                                          status: "queued", saved_at: new Date().toISOString()})) {
        setStatus("手机存储空间不足，无法保存答卷，请先上传已保存的答卷。", "bad");
        return;
      }
      localStorage.removeItem(draftKey);
      nextRespondent();
      setStatus("答卷已保存，正在上传…", "ok");
      refreshOutbox();
      submitBtn.disabled = true;
      flush().then(function () { submitBtn.disabled = false; });
    });
    O.resendWhenOnline(flush, function () { return outboxKeys().length > 0; }, RETRY_MS);

    if (navigator.geolocation) {
      navigator.geolocation.watchPosition(function (pos) {
        position = {lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy: pos.coords.accuracy};
        gps.textContent = "已定位（精度 ±" + Math.round(pos.coords.accuracy) + " 米），随答卷记录。";
        gps.className = "gps-box ok";
      }, function (err) {
        gps.textContent = (err && err.code === 1 ? "未授权定位" : "定位失败") + "：答卷仍可提交，但不记录位置。";
        gps.className = "gps-box warn";
      }, {enableHighAccuracy: true, maximumAge: 60000, timeout: 20000});
    } else {
      gps.textContent = "浏览器不支持定位：答卷仍可提交，但不记录位置。";
      gps.className = "gps-box warn";
    }
    O.registerOffline(form.getAttribute("data-sw-url"), CACHE);
  }

  var form = $("form[data-collect]");
  if (form) init(form);
})();
