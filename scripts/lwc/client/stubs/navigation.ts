// Stand-in for lightning/navigation: records where the component navigates.
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript's mixin rule asks for any[]
type Constructor = new (...args: any[]) => object;

function mixin<T extends Constructor>(Base: T) {
  return class extends Base {
    [Navigate](pageReference: unknown): void {
      window.__RINKEL__.navigations.push(JSON.parse(JSON.stringify(pageReference)) as unknown);
    }

    [GenerateUrl](): Promise<string> {
      return Promise.resolve('#');
    }
  };
}

export const NavigationMixin = Object.assign(mixin, { Navigate, GenerateUrl });
