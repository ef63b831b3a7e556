/* Wenming — the phone inspection form (测评表). Plain JS, no framework.

   - Every answer is saved to localStorage as the inspector goes (key "wenming.inspect.<user>.<task>"), photos
     included (downscaled JPEG data URLs), so a reload, a crash or a lost connection loses nothing.
   - The draft carries a client-generated UUID (client_id). Submitting posts the JSON payload + photos; the
     server returns the same inspection for the same client_id, so resubmitting never duplicates.
   - Offline: the draft is queued and sent when the browser is back online (or when the page is reopened).
   - GPS: navigator.geolocation; the distance to the point is shown; beyond the limit the inspector must
     give a reason (the server computes the distance again and refuses a far-away submission without one).
   - A service worker (/inspections/sw.js) keeps the form and static files available offline.
   Storage, sending and resending come from wenming/outbox.js (loaded first).
   Pages without [data-inspect] / [data-outbox] are not touched. */
(function () {
  "use strict";
  var O = window.WenmingOutbox, $ = O.$, $$ = O.$$, load = O.load, store = O.store;
  var PREFIX = "wenming.inspect.";
  var CACHE = "wenming-inspect-v1";
  var MAX_SIDE = 1600;
  var RETRY_MS = 15000;

  // --- helpers ---------------------------------------------------------------------------------------
  function haversine(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180, R = 6371008.8;
    var dphi = (lat2 - lat1) * r, dl = (lon2 - lon1) * r;
    var a = Math.pow(Math.sin(dphi / 2), 2) + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function dataUrlToBlob(url) {
    var parts = url.split(","), mime = (parts[0].match(/data:([^;]+)/) || [])[1] || "image/jpeg";
    var bin = atob(parts[1]), buf = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i);
    return new Blob([buf], {type: mime});
  }

  function downscale(file) {
    // Read, draw on a canvas no larger than MAX_SIDE, re-encode as JPEG (keeps drafts small enough to store).
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onerror = function () { reject(reader.error); };
      reader.onload = function () {
        var img = new Image();
        img.onerror = function () { reject(new Error("not an image")); };
        img.onload = function () {
          var scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.max(1, Math.round(img.width * scale));
          canvas.height = Math.max(1, Math.round(img.height * scale));
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.85));
        };
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  // --- sending a draft (shared by the form and the outbox) ---------------------------------------------
  function formData(draft) {
    var fd = new FormData();
    fd.append("payload", JSON.stringify(draft.payload));
    ["photos", "after"].forEach(function (kind) {
      var field = kind === "photos" ? "photo_" : "after_";
      Object.keys(draft[kind] || {}).forEach(function (cid) {
        (draft[kind][cid] || []).forEach(function (data, i) {
          fd.append(field + cid, dataUrlToBlob(data), field + cid + "-" + (i + 1) + ".jpg");
        });
      });
    });
    return fd;
  }

  function send(key, draft) {
    return O.send(key, function () {
      return {url: draft.submit_url, body: formData(draft), refused: function (r) {
        if (r.status >= 500) return {ok: false, retry: true, error: "服务器暂时不可用（" + r.status + "），稍后自动重试。"};
        var message = r.json && r.json.error ? r.json.error
          : (r.redirected || r.status === 403 ? "登录已过期或无权提交，请重新登录后再提交（草稿已保存）。"
            : "提交失败（HTTP " + r.status + "）。");
        draft.status = "draft";
        draft.error = message;
        draft.error_code = r.json ? r.json.code : "";
        store(key, draft);
        return {ok: false, error: message, code: draft.error_code};
      }};
    });
  }

  function queuedKeys(user) {
    // Only this user's drafts: a shared phone must not send one inspector's draft as another.
    return O.keys(PREFIX + user + ".", function (d) { return d && d.status === "queued" && d.payload; });
  }

  // --- the form ----------------------------------------------------------------------------------------
  function initForm(form) {
    var task = form.getAttribute("data-task");
    var key = PREFIX + form.getAttribute("data-user") + "." + task;
    var pointLat = parseFloat(form.getAttribute("data-point-lat"));
    var pointLon = parseFloat(form.getAttribute("data-point-lon"));
    var maxDistance = parseFloat(form.getAttribute("data-max-distance")) || 300;
    var status = $("#inspect-status"), progress = $("#inspect-progress"), gps = $("#gps-status");
    var noteRow = $("#location-note-row"), submitBtn = $("#inspect-submit");
    var items = $$(".check-item", form);
    var draft = load(key);
    if (!draft || draft.task !== task) {
      draft = {task: task, submit_url: form.getAttribute("data-submit-url"), client_id: O.uuid4(),
               started_at: new Date().toISOString(), status: "draft", obs: {}, photos: {}, after: {},
               lat: null, lon: null, accuracy: null, location_note: "", note: ""};
    }
    draft.after = draft.after || {};
    form.noValidate = true;
    form.classList.add("js-ready");
    form.elements.client_id.value = draft.client_id;

    function setStatus(text, cls) {
      status.textContent = text || "";
      status.className = "small" + (cls ? " " + cls : "");
    }

    function save() {
      draft.saved_at = new Date().toISOString();
      if (!store(key, draft)) {
        setStatus("手机存储空间不足，草稿未能完整保存（可减少照片）。", "bad");
        return false;
      }
      return true;
    }

    function itemState(item) {
      var cid = item.getAttribute("data-criterion");
      return draft.obs[cid] || (draft.obs[cid] = {});
    }

    function readItem(item) {
      var cid = item.getAttribute("data-criterion"), o = itemState(item);
      var checked = $('input[name="result_' + cid + '"]:checked', item);
      o.result = checked ? checked.value : null;
      var p = $('input[name="problems_' + cid + '"]', item), c = $('input[name="count_' + cid + '"]', item);
      o.problems = p && p.value !== "" ? p.value : null;
      o.count = c && c.value !== "" ? c.value : null;
      var size = parseInt(item.getAttribute("data-sample-size") || "0", 10);
      if (size) {
        o.sub_results = [];
        for (var i = 1; i <= size; i++) {
          var s = $('input[name="sub_' + cid + "_" + i + '"]:checked', item);
          o.sub_results.push(s ? s.value === "1" : null);
        }
      }
      o.note = $('textarea[name="note_' + cid + '"]', item).value;
      o.fixed_on_spot = $('input[name="fixed_' + cid + '"]', item).checked;
    }

    function writeItem(item) {
      var cid = item.getAttribute("data-criterion"), o = draft.obs[cid];
      if (!o) return;
      if (o.result) { var r = $('input[name="result_' + cid + '"][value="' + o.result + '"]', item); if (r) r.checked = true; }
      var p = $('input[name="problems_' + cid + '"]', item), c = $('input[name="count_' + cid + '"]', item);
      if (p && o.problems != null) p.value = o.problems;
      if (c && o.count != null) c.value = o.count;
      (o.sub_results || []).forEach(function (v, i) {
        if (v === null) return;
        var s = $('input[name="sub_' + cid + "_" + (i + 1) + '"][value="' + (v ? "1" : "0") + '"]', item);
        if (s) s.checked = true;
      });
      $('textarea[name="note_' + cid + '"]', item).value = o.note || "";
      $('input[name="fixed_' + cid + '"]', item).checked = !!o.fixed_on_spot;
    }

    function refreshItem(item) {
      var o = itemState(item);
      item.classList.toggle("is-ok", o.result === "compliant");
      item.classList.toggle("is-bad", o.result === "noncompliant");
      item.classList.toggle("is-na", o.result === "na");
      item.classList.toggle("is-fixed", !!o.fixed_on_spot && o.result === "noncompliant");
      var p = $('input[name^="problems_"]', item);
      if (p && o.result === "noncompliant" && (o.problems === null || o.problems === "0")) { p.value = "1"; o.problems = "1"; }
      if (p && o.result === "compliant") { p.value = "0"; o.problems = "0"; }
      renderThumbs(item);
    }

    function renderThumbs(item) {
      var cid = item.getAttribute("data-criterion");
      ["photos", "after"].forEach(function (kind) {
        var box = $('[data-thumbs="' + cid + '"]' + (kind === "after" ? "[data-after]" : ":not([data-after])"), item);
        if (!box) return;
        box.innerHTML = "";
        (draft[kind][cid] || []).forEach(function (data, i) {
          var wrap = document.createElement("span"); wrap.className = "thumb";
          var img = document.createElement("img"); img.src = data; img.alt = kind === "after" ? "整改后照片" : "问题照片";
          var rm = document.createElement("button"); rm.type = "button"; rm.textContent = "×"; rm.setAttribute("aria-label", "删除照片");
          rm.addEventListener("click", function () { draft[kind][cid].splice(i, 1); save(); renderThumbs(item); });
          wrap.appendChild(img); wrap.appendChild(rm); box.appendChild(wrap);
        });
      });
    }

    function refreshProgress() {
      var done = items.filter(function (it) { return !!itemState(it).result; }).length;
      progress.textContent = "已填 " + done + " / " + items.length;
    }

    function distance() {
      if (draft.lat == null || draft.lon == null) return null;
      return haversine(draft.lat, draft.lon, pointLat, pointLon);
    }

    function refreshGps(error) {
      var d = distance();
      var needsReason = d === null ? !!error : d > maxDistance;
      if (d === null) {
        gps.textContent = error ? "无法定位：" + error + "。请开启定位，或填写位置说明后提交。" : "正在获取定位…";
        gps.className = "gps-box" + (error ? " warn" : "");
      } else {
        gps.textContent = "距点位约 " + Math.round(d) + " 米" + (draft.accuracy ? "（精度 ±" + Math.round(draft.accuracy) + " 米）" : "") +
          (d > maxDistance ? "，超过 " + Math.round(maxDistance) + " 米：请到点位后再测评，或填写原因确认提交。" : "");
        gps.className = "gps-box " + (d > maxDistance ? "warn" : "ok");
      }
      noteRow.hidden = !needsReason && !draft.location_note;
      form.elements.lat.value = draft.lat == null ? "" : draft.lat;
      form.elements.lon.value = draft.lon == null ? "" : draft.lon;
      form.elements.accuracy.value = draft.accuracy == null ? "" : draft.accuracy;
    }

    function payload() {
      return {
        client_id: draft.client_id, task: parseInt(task, 10), started_at: draft.started_at,
        lat: draft.lat, lon: draft.lon, accuracy: draft.accuracy, coord_system: "WGS84",
        location_note: draft.location_note || "", note: draft.note || "",
        observations: items.map(function (item) {
          var cid = item.getAttribute("data-criterion"), o = itemState(item);
          var out = {criterion: parseInt(cid, 10), result: o.result, note: o.note || "", fixed_on_spot: !!o.fixed_on_spot};
          if (o.problems != null) out.problems = parseInt(o.problems, 10);
          if (o.count != null) out.count = parseInt(o.count, 10);
          if (o.sub_results) out.sub_results = o.sub_results;
          return out;
        })
      };
    }

    function firstProblem() {
      for (var i = 0; i < items.length; i++) {
        var o = itemState(items[i]);
        if (!o.result) return [items[i], "还有未填写的测评项。"];
        if (o.sub_results && o.result !== "na" && o.sub_results.indexOf(null) >= 0) return [items[i], "请逐个填写抽查子单元是否合格。"];
        if (o.fixed_on_spot && o.result === "noncompliant" && !(draft.after[items[i].getAttribute("data-criterion")] || []).length) {
          return [items[i], "标记为当场整改的问题，请上传整改后照片。"];
        }
      }
      var d = distance();
      if ((d === null || d > maxDistance) && !(draft.location_note || "").trim()) {
        noteRow.hidden = false;
        return [noteRow, d === null ? "未获取到定位，请填写位置说明后提交。" : "距离点位过远，请填写原因后确认提交。"];
      }
      return null;
    }

    function submitDraft() {
      if (!draft.payload) return;
      submitBtn.disabled = true;
      setStatus("正在提交…");
      send(key, draft).then(function (res) {
        submitBtn.disabled = false;
        if (res.ok) {
          setStatus(res.body.created ? "已提交。" : "此前已提交，未重复记录。", "ok");
          location.href = res.body.url;
        } else if (res.offline || res.retry) {
          setStatus(res.error || "网络不可用：已保存，恢复网络后自动提交。", "warn");
        } else {
          draft = load(key) || draft;
          setStatus(res.error, "bad");
          if (res.code === "far_away" || res.code === "no_location") { noteRow.hidden = false; $("#id_location_note").focus(); }
        }
      });
    }

    // restore, then listen
    items.forEach(function (item) { writeItem(item); refreshItem(item); });
    $("#id_location_note").value = draft.location_note || "";
    $("#id_note").value = draft.note || "";
    refreshProgress();
    refreshGps();
    if (draft.status === "queued") setStatus("有待提交的测评（网络恢复后自动提交）。", "warn");
    else if (draft.error) setStatus(draft.error, "bad");
    else if (draft.saved_at) setStatus("已恢复草稿。", "ok");

    form.addEventListener("change", function (e) {
      var item = e.target.closest(".check-item");
      if (e.target.type === "file") return;
      if (item) { readItem(item); refreshItem(item); refreshProgress(); }
      draft.location_note = $("#id_location_note").value;
      draft.note = $("#id_note").value;
      if (draft.status !== "queued") { draft.error = ""; save(); }
    });
    form.addEventListener("input", function (e) {
      if (e.target.tagName !== "TEXTAREA" && e.target.type !== "number") return;
      var item = e.target.closest(".check-item");
      if (item) readItem(item);
      draft.location_note = $("#id_location_note").value;
      draft.note = $("#id_note").value;
      if (draft.status !== "queued") save();
    });
    $$('input[type="file"]', form).forEach(function (input) {
      input.addEventListener("change", function () {
        var item = input.closest(".check-item"), cid = item.getAttribute("data-criterion");
        var kind = input.name.indexOf("after_") === 0 ? "after" : "photos";
        var files = Array.prototype.slice.call(input.files || []);
        input.value = "";
        setStatus("正在处理照片…");
        Promise.all(files.map(function (f) { return downscale(f).catch(function () { return null; }); })).then(function (urls) {
          draft[kind][cid] = (draft[kind][cid] || []).concat(urls.filter(Boolean));
          if (save()) setStatus(urls.filter(Boolean).length + " 张照片已加入草稿。", "ok");
          else { draft[kind][cid] = draft[kind][cid].slice(0, -urls.length); save(); }
          renderThumbs(item);
        });
      });
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      items.forEach(readItem);
      draft.location_note = $("#id_location_note").value;
      draft.note = $("#id_note").value;
      var problem = firstProblem();
      if (problem) {
        setStatus(problem[1], "bad");
        problem[0].classList.add("needs-answer");
        problem[0].scrollIntoView({block: "center"});
        setTimeout(function () { problem[0].classList.remove("needs-answer"); }, 2500);
        return;
      }
      draft.payload = payload();
      draft.status = "queued";
      draft.error = "";
      save();
      submitDraft();
    });
    O.resendWhenOnline(submitDraft, function () { return draft.status === "queued"; }, RETRY_MS);

    if (navigator.geolocation) {
      navigator.geolocation.watchPosition(function (pos) {
        draft.lat = pos.coords.latitude; draft.lon = pos.coords.longitude; draft.accuracy = pos.coords.accuracy;
        if (draft.status !== "queued") save();
        refreshGps();
      }, function (err) {
        refreshGps(err && err.code === 1 ? "未授权定位" : "定位失败");
      }, {enableHighAccuracy: true, maximumAge: 30000, timeout: 20000});
    } else {
      refreshGps("浏览器不支持定位");
    }
    O.registerOffline(form.getAttribute("data-sw-url"), CACHE);
  }

  // --- the task list: flush queued drafts, sort by distance ----------------------------------------
  function initOutbox(box) {
    var out = $("#outbox-status");
    function flush() {
      var keys = queuedKeys(box.getAttribute("data-user"));
      if (!keys.length) return;
      if (out) out.textContent = "正在提交 " + keys.length + " 份离线测评…";
      Promise.all(keys.map(function (k) { return send(k, load(k)); })).then(function (results) {
        var sent = results.filter(function (r) { return r.ok; }).length;
        if (out) out.textContent = sent === keys.length ? "离线测评已全部提交。" : "还有 " + (keys.length - sent) + " 份测评待提交。";
      });
    }
    O.resendWhenOnline(flush);
    var filters = $("#task-filters");
    function sortByDistance() {
      if (!navigator.geolocation || !filters) return;
      navigator.geolocation.getCurrentPosition(function (pos) {
        filters.elements.lat.value = pos.coords.latitude.toFixed(6);
        filters.elements.lon.value = pos.coords.longitude.toFixed(6);
        filters.submit();
      }, function () {}, {maximumAge: 60000, timeout: 15000});
    }
    var btn = $("#sort-nearest");
    if (btn) btn.addEventListener("click", sortByDistance);
    if (box.getAttribute("data-sort-by-distance") === "1" && navigator.permissions) {
      navigator.permissions.query({name: "geolocation"}).then(function (p) { if (p.state === "granted") sortByDistance(); });
    }
    O.registerOffline(null, CACHE);
  }

  var form = $("form[data-inspect]");
  if (form) initForm(form);
  var outbox = $("[data-outbox]");
  if (outbox) initOutbox(outbox);
})();
