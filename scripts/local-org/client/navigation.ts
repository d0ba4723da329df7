// lightning/navigation on the local org: a record page reference opens that Weborder's page.
import type { PageReference } from 'lightning/navigation';

const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript's mixin rule asks for any[]
type Constructor = new (...args: any[]) => object;

export function urlOf(reference: PageReference): string {
  const recordId = reference.attributes?.recordId;
  if (reference.type === 'standard__recordPage' && typeof recordId === 'string') {
    const lang = window.__LOCAL__.language === 'nl' ? '?lang=nl' : '';
    return `/weborders/${encodeURIComponent(recordId)}${lang}`;
  }
  return '/';
}

function mixin<T extends Constructor>(Base: T) {
  return class extends Base {
    [Navigate](reference: PageReference): void {
      window.location.assign(urlOf(reference));
    }

    [GenerateUrl](reference: PageReference): Promise<string> {
      return Promise.resolve(urlOf(reference));
    }
  };
}

export const NavigationMixin = Object.assign(mixin, { Navigate, GenerateUrl });
