// Every browser test in one Node process, so that one Chromium serves them
// all (a launch costs seconds): run.sh runs this file.
import './ui.test.mjs';
import './review.test.mjs';
import './errors.test.mjs';
import './people.test.mjs';
