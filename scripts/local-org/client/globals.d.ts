// Browser-side types of the local org's pages: what the server injects as window.__LOCAL__.
/// <reference path="../../../types/salesforce-modules.d.ts" />

declare global {
  interface LocalPageState {
    /** 'weborder' | 'operations' | 'list'; which component the page mounts. */
    page: 'weborder' | 'operations' | 'list';
    recordId: string;
    /** The local user the page acts as: every Apex call runs as this user. */
    username: string;
    locale: string;
    timeZone: string;
    language: 'en' | 'nl';
    labels: Record<string, string>;
    /** Custom permissions of that user (@salesforce/customPermission/*), from its permission sets. */
    permissions: Record<string, boolean>;
    /** Set when the EventSource has connected once. */
    streamOpen: boolean;
  }

  interface Window {
    __LOCAL__: LocalPageState;
  }
}

export {};
