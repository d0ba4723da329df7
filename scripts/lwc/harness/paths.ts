import path from 'node:path';
import { REPO_ROOT } from '../../core/paths';

export const CLIENT_DIR = path.join(REPO_ROOT, 'scripts', 'lwc', 'client');
export const BUNDLE_DIR = path.join(REPO_ROOT, 'build', 'lwc-preview');
export const BUNDLE_FILE = 'app.js';
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'build', 'screenshots');
