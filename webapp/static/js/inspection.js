// creditflow: the inspection page in the field. The checklist and the photos are kept on
// the phone (localStorage) as they are taken, and sent when the network allows; the page
// says plainly what is not sent yet. Photos are made smaller on the phone (a canvas), and
// their place is read from the camera's EXIF GPS before the canvas drops it.
(function () {
  "use strict";
  var form = document.getElementById("field-form");
  if (!form) { return; }
  var page = document.querySelector("[data-inspection]");
  var KEY = "creditflow:inspection:" + page.dataset.inspection;
  var MAX_SIDE = 1600;
  var words = form.dataset;
  var state = document.getElementById("draft-state");
  var list = document.getElementById("photos");
  var sending = false;

  function load() {
    try {
      var kept = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (kept && Array.isArray(kept.photos)) { return kept; }
    } catch (e) { /* a broken draft is dropped */ }
    return {fields: null, photos: []};
  }
  var draft = load();

  function store() {
    if (!draft.fields && !draft.photos.length) { window.localStorage.removeItem(KEY); return; }
    try { window.localStorage.setItem(KEY, JSON.stringify(draft)); } catch (e) { /* full */ }
  }

  function csrf() { return form.querySelector("input[name=csrf_token]").value; }

  function fields() {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token") { out.push([name, String(value)]); }
    });
    return out;
  }

  function show(problem) {
    var waiting = [];
    if (draft.fields) { waiting.push(words.recordWaiting); }
    if (draft.photos.length) { waiting.push(draft.photos.length + " " + words.photosWaiting); }
    state.hidden = false;
    if (!waiting.length) {
      state.textContent = words.sent;
      state.className = "draft-state sent";
    } else {
      state.textContent = (sending ? words.sending : words.notSent) + ": " + waiting.join("、") +
        (navigator.onLine ? "" : " — " + words.offline) + (problem ? " — " + problem : "");
      state.className = "draft-state pending";
    }
    list.querySelectorAll("li.pending").forEach(function (li) { li.remove(); });
    draft.photos.forEach(function (photo) {
      var li = document.createElement("li");
      li.className = "photo pending";
      var img = document.createElement("img");
      img.src = photo.data;
      img.alt = photo.name;
      li.appendChild(img);
      li.appendChild(document.createTextNode(" " + photo.name + " · " + words.notSent +
        (photo.lat !== null ? " · " + words.place : "")));
      list.appendChild(li);
    });
  }

  function restore() {
    if (!draft.fields) { return; }
    draft.fields.forEach(function (pair) {
      var name = pair[0], value = pair[1];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== name) { return; }
        if (el.type === "radio" || el.type === "checkbox") { el.checked = el.value === value; }
        else { el.value = value; }
      });
    });
  }

  function toBlob(dataUrl) {
    var bytes = window.atob(dataUrl.split(",")[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { array[i] = bytes.charCodeAt(i); }
    return new Blob([array], {type: "image/jpeg"});
  }

  function post(url, body) {
    return window.fetch(url, {method: "POST", body: body, credentials: "same-origin",
                              headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok || !answer.ok) { throw new Error(answer.error || response.statusText); }
          return answer;
        });
      });
  }

  function sendPhoto() {
    var photo = draft.photos[0];
    var body = new FormData();
    body.append("csrf_token", csrf());
    body.append("photo", toBlob(photo.data), photo.name);
    if (photo.lat !== null) { body.append("lat", photo.lat); body.append("lon", photo.lon); }
    return post(words.photoUrl, body).then(function () {
      draft.photos.shift();
      store();
    });
  }

  function send() {
    if (sending || (!draft.fields && !draft.photos.length)) { show(); return; }
    if (!navigator.onLine) { show(); return; }
    sending = true;
    show();
    var chain = Promise.resolve();
    draft.photos.forEach(function () { chain = chain.then(sendPhoto); });
    var hadFields = !!draft.fields;
    chain.then(function () {
      if (!draft.fields) { return null; }
      var body = new URLSearchParams();
      body.append("csrf_token", csrf());
      draft.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
      return post(form.action, body).then(function () { draft.fields = null; store(); });
    }).then(function () {
      sending = false;
      show();
      if (hadFields) { window.location.reload(); }
    }).catch(function (error) {
      sending = false;
      show(navigator.onLine ? error.message : "");
    });
  }

  // EXIF: the GPS latitude and longitude of a JPEG, or null.
  function gpsOf(buffer) {
    try {
      var view = new DataView(buffer);
      if (view.getUint16(0) !== 0xFFD8) { return null; }
      for (var at = 2; at + 10 <= view.byteLength;) {
        var marker = view.getUint16(at);
        if (marker === 0xFFE1 && view.getUint32(at + 4) === 0x45786966) { return tiffGps(view, at + 10); }
        if ((marker & 0xFF00) !== 0xFF00 || marker === 0xFFDA) { return null; }
        at += 2 + view.getUint16(at + 2);
      }
    } catch (e) { /* a truncated or odd file has no place */ }
    return null;
  }

  function tiffGps(view, start) {
    var little = view.getUint16(start) === 0x4949;
    var u16 = function (o) { return view.getUint16(start + o, little); };
    var u32 = function (o) { return view.getUint32(start + o, little); };
    var ifd = u32(4), gps = null, i, n;
    for (i = 0, n = u16(ifd); i < n; i++) {
      if (u16(ifd + 2 + i * 12) === 0x8825) { gps = u32(ifd + 2 + i * 12 + 8); }
    }
    if (gps === null) { return null; }
    var tags = {};
    for (i = 0, n = u16(gps); i < n; i++) {
      var entry = gps + 2 + i * 12, tag = u16(entry);
      if (tag === 1 || tag === 3) { tags[tag] = String.fromCharCode(view.getUint8(start + entry + 8)); }
      if ((tag === 2 || tag === 4) && u16(entry + 2) === 5 && u32(entry + 4) === 3) {
        var values = u32(entry + 8), degrees = 0;
        for (var k = 0; k < 3; k++) {
          var den = u32(values + k * 8 + 4);
          degrees += (den ? u32(values + k * 8) / den : 0) / Math.pow(60, k);
        }
        tags[tag] = degrees;
      }
    }
    if (tags[2] === undefined || tags[4] === undefined) { return null; }
    return {lat: tags[1] === "S" ? -tags[2] : tags[2], lon: tags[3] === "W" ? -tags[4] : tags[4]};
  }

  function smaller(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onerror = reject;
      reader.onload = function () {
        var img = new Image();
        img.onerror = reject;
        img.onload = function () {
          var scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
          var canvas = document.createElement("canvas");
          canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
          canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.85));
        };
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  document.getElementById("photo-input").addEventListener("change", function (event) {
    var input = event.target;
    Array.prototype.forEach.call(input.files, function (file) {
      file.arrayBuffer().then(function (buffer) {
        var place = gpsOf(buffer);
        return smaller(file).then(function (data) {
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          draft.photos.push({name: name, data: data, lat: place ? place.lat : null,
                             lon: place ? place.lon : null});
          store();
          send();
        });
      });
    });
    input.value = "";
  });

  form.addEventListener("input", function () { draft.fields = fields(); store(); show(); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    draft.fields = fields();
    store();
    send();
  });
  window.addEventListener("online", send);
  window.addEventListener("offline", function () { show(); });
  restore();
  if (draft.fields || draft.photos.length) { send(); }
}());
