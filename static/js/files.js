// Files in and out of this tab's session: a CSV of points or a model file up
// (file picker, or dropped on the data panel), downloads down. The routes are
// bound to the session by the token its reset frames carry (docs/protocol.md,
// "Files"); errors come back over the websocket, beside these controls.

export class Files {
  /** dropZone: where files may be dropped (the data panel). */
  constructor(dropZone) {
    this.token = null;
    this.pending = null; // a CSV waiting for the rescale answer
    const $ = (id) => document.getElementById(id);
    this.$ = $;
    $("open-file").addEventListener("change", (e) => this.pick(e.target));
    $("download").addEventListener("change", (e) => {
      this.download(e.target.value);
      e.target.value = "";
    });
    $("rescale-yes").addEventListener("click", () => this.answerRescale(true));
    $("rescale-no").addEventListener("click", () => this.answerRescale(false));
    dropZone.addEventListener("dragover", (e) => {
      e.preventDefault();
      dropZone.classList.add("dropping");
    });
    dropZone.addEventListener("dragleave", () => dropZone.classList.remove("dropping"));
    dropZone.addEventListener("drop", (e) => {
      e.preventDefault();
      dropZone.classList.remove("dropping");
      const file = e.dataTransfer.files[0];
      if (file) this.open(file);
    });
  }

  /** A reset frame carries the session's token (a new one after a reconnect). */
  setToken(token) {
    if (token) this.token = token;
  }

  pick(input) {
    const file = input.files[0];
    input.value = ""; // the same file may be chosen again after fixing it
    if (file) this.open(file);
  }

  /** A model file by its name (.json), else points. */
  open(file) {
    this.send(isModel(file) ? "model" : "upload", file);
  }

  async send(route, file, rescale = false) {
    if (!this.token) return;
    this.$("rescale-prompt").hidden = true;
    const query = rescale ? "?rescale=true" : "";
    const response = await fetch(`/${route}/${this.token}${query}`, { method: "POST", body: file });
    if (response.status === 409) {
      const answer = await response.json();
      this.pending = file;
      this.$("rescale-text").textContent = answer.message;
      this.$("rescale-prompt").hidden = false;
    }
  }

  answerRescale(yes) {
    const file = this.pending;
    this.pending = null;
    this.$("rescale-prompt").hidden = true;
    if (yes && file) this.send("upload", file, true);
  }

  download(what) {
    if (!what || !this.token) return;
    if (what.startsWith("png:")) {
      const id = what.slice(4);
      Plotly.downloadImage(document.getElementById(id), {
        format: "png",
        filename: `nn_playground_${id.replace("-chart", "")}`,
        width: 800,
        height: 800,
      });
      return;
    }
    const link = document.createElement("a");
    link.href = `/download/${this.token}/${what}`;
    link.download = "";
    document.body.append(link);
    link.click();
    link.remove();
  }
}

function isModel(file) {
  return file.name.toLowerCase().endsWith(".json") || file.type === "application/json";
}
