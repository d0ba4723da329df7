import path from 'node:path';
import { repoRoot } from '../../build-lwc';

export const CLIENT_DIR = path.join(repoRoot(), 'scripts', 'lwc', 'client');
export const BUNDLE_DIR = path.join(repoRoot(), 'build', 'lwc-preview');
export const BUNDLE_FILE = 'app.js';
export const SCREENSHOT_DIR = path.join(repoRoot(), 'build', 'screenshots');
