// The lessons menu and the open step's card. Opening a step asks the server
// for a fresh experiment (an "open" message); this module shows the step's
// sentence and question, hides and locks the controls it names (the markup's
// data-control attributes, named as in app/lessons/controls.py), and says
// which lesson and step the URL should carry.

const HIDDEN = "lesson-hidden";
const LOCKED = "lesson-locked";

export class Lessons {
  /**
   * lessons: the page data's {name: {title, steps: [{title, say, ask, hide, lock,
   * speed, config}]}}; handlers: {open(name, number, step): ask the server for
   * the step, left(): the page is back to free play}.
   */
  constructor(root, lessons, handlers) {
    this.root = root;
    this.lessons = lessons;
    this.handlers = handlers;
    this.current = null; // {name, number}
    this.menu = root.querySelector("#lessons");
    this.card = root.querySelector("#lesson-card");
    this.menu.addEventListener("click", (event) => {
      const button = event.target.closest("[data-lesson]");
      if (!button) return;
      this.menu.open = false;
      if (button.dataset.lesson) this.open(button.dataset.lesson, Number(button.dataset.step));
      else this.leave();
    });
    root.querySelector("#lesson-previous").addEventListener("click", () => this.move(-1));
    root.querySelector("#lesson-next").addEventListener("click", () => this.move(1));
    root.querySelector("#lesson-leave").addEventListener("click", () => this.leave());
    // A <details> stays open until its summary is clicked again; a menu should not.
    document.addEventListener("click", (event) => {
      if (this.menu.open && !this.menu.contains(event.target)) this.menu.open = false;
    });
    this.menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.menu.open = false;
    });
  }

  /** The open step, or null in free play. */
  get step() {
    return this.current ? this.lessons[this.current.name].steps[this.current.number - 1] : null;
  }

  /** The URL's lesson parameters ({} in free play). */
  get params() {
    return this.current ? { lesson: this.current.name, step: this.current.number } : {};
  }

  /** Start a step afresh: the server resets to its config; the page shows its card. */
  open(name, number) {
    this.show(name, number);
    this.handlers.open(name, number, this.step);
  }

  /** Show a step as open without asking the server (a reload: the URL has its config). */
  show(name, number) {
    this.current = { name, number };
    const lesson = this.lessons[name];
    const step = this.step;
    const text = (id, value) => {
      this.card.querySelector(`#${id}`).textContent = value;
    };
    text("lesson-title", lesson.title);
    this.card.querySelector("#lesson-title").title = lesson.title;
    text("lesson-number", String(number));
    text("lesson-count", String(lesson.steps.length));
    text("lesson-step-title", step.title);
    text("lesson-say", step.say);
    text("lesson-ask", step.ask);
    this.card.querySelector("#lesson-previous").disabled = number <= 1;
    this.card.querySelector("#lesson-next").disabled = number >= lesson.steps.length;
    this.card.dataset.lesson = name;
    this.card.dataset.step = String(number);
    this.card.hidden = false;
    this.markMenu();
    this.applyControls();
  }

  /** Free play: no card, every control back. */
  leave() {
    this.current = null;
    this.card.hidden = true;
    delete this.card.dataset.lesson;
    delete this.card.dataset.step;
    this.markMenu();
    this.applyControls();
    this.handlers.left();
  }

  /** The next (+1) or previous (-1) step of the open lesson, if there is one. */
  move(by) {
    if (!this.current) return;
    const number = this.current.number + by;
    if (number >= 1 && number <= this.lessons[this.current.name].steps.length) {
      this.open(this.current.name, number);
    }
  }

  /**
   * Hide and lock the step's controls, show the rest. Called again after the
   * network diagram redraws its layers, whose buttons are made afresh.
   */
  applyControls() {
    const hide = new Set(this.step?.hide ?? []);
    const lock = new Set(this.step?.lock ?? []);
    for (const el of this.root.querySelectorAll("[data-control]")) {
      const name = el.dataset.control;
      el.classList.toggle(HIDDEN, hide.has(name));
      el.classList.toggle(LOCKED, lock.has(name));
      // inert: no clicks, no focus, no keys; the lock note (playground.css) says why.
      el.inert = hide.has(name) || lock.has(name);
    }
  }

  markMenu() {
    for (const button of this.menu.querySelectorAll("[data-lesson]")) {
      const mine = this.current
        ? button.dataset.lesson === this.current.name &&
          Number(button.dataset.step) === this.current.number
        : button.dataset.lesson === "";
      button.setAttribute("aria-current", String(mine));
    }
  }
}
