import path from 'node:path';
import { REPO_ROOT } from '../../core/paths';

export const CLIENT_DIR = path.join(REPO_ROOT, 'scripts', 'lwc', 'client');
export const BUNDLE_DIR = path.join(REPO_ROOT, 'build', 'lwc-preview');
export const BUNDLE_FILE = 'app.js';
<<<<<<< HEAD
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'build', 'screenshots');
=======
export const SCREENSHOT_DIR = path.join(repoRoot(), 'build', 'screenshots');
/** The timeline's components and the platform folder with the labels (capability layout). */
export const TIMELINE_LWC_DIR = path.join(repoRoot(), 'force-app', 'timeline', 'lwc');
export const PLATFORM_DIR = path.join(repoRoot(), 'force-app', 'platform');
>>>>>>> timeline
