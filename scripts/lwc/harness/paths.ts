import path from 'node:path';
import { repoRoot } from '../../build-lwc';

export const CLIENT_DIR = path.join(repoRoot(), 'scripts', 'lwc', 'client');
export const BUNDLE_DIR = path.join(repoRoot(), 'build', 'lwc-preview');
export const BUNDLE_FILE = 'app.js';
export const SCREENSHOT_DIR = path.join(repoRoot(), 'build', 'screenshots');
/** The timeline's components and the platform folder with the labels (capability layout). */
export const TIMELINE_LWC_DIR = path.join(repoRoot(), 'force-app', 'timeline', 'lwc');
export const PLATFORM_DIR = path.join(repoRoot(), 'force-app', 'platform');
