// Types for the platform modules that exist only on Salesforce (and as stubs in jest and in the
// browser test). The platform compiler never sees these; they only feed `tsc`.

declare module '@salesforce/apex/*' {
  /** Imperative Apex call: resolves with the method's return value, rejects with { body }. */
  const apexMethod: (params?: Record<string, unknown>) => Promise<unknown>;
  export default apexMethod;
}

declare module '@salesforce/label/*' {
  const label: string;
  export default label;
}

declare module '@salesforce/i18n/*' {
  const value: string;
  export default value;
}

declare module '@salesforce/customPermission/*' {
  const granted: boolean | undefined;
  export default granted;
}

declare module '@salesforce/userPermission/*' {
  const granted: boolean | undefined;
  export default granted;
}

declare module '@salesforce/user/*' {
  const value: string;
  export default value;
}

declare module 'lightning/empApi' {
  export interface EmpSubscription {
    id?: string;
    channel: string;
    replayId?: number;
  }
  export interface EmpMessage<T = Record<string, unknown>> {
    channel: string;
    data: { event?: { replayId?: number }; payload: T };
  }
  export function subscribe<T = Record<string, unknown>>(
    channel: string,
    replayId: number,
    onMessage: (message: EmpMessage<T>) => void
  ): Promise<EmpSubscription>;
  export function unsubscribe(
    subscription: EmpSubscription,
    callback?: (response: unknown) => void
  ): Promise<unknown>;
  export function onError(callback: (error: unknown) => void): void;
  export function isEmpEnabled(): Promise<boolean>;
  export function setDebugFlag(flag: boolean): Promise<void>;
}

declare module 'lightning/refresh' {
  export class RefreshEvent extends CustomEvent<unknown> {
    constructor();
  }
  export function registerRefreshHandler(
    element: object,
    handler: () => Promise<boolean> | boolean
  ): string;
  export function unregisterRefreshHandler(id: string): void;
}

declare module 'lightning/navigation' {
  export interface PageReference {
    type: string;
    attributes?: Record<string, unknown>;
    state?: Record<string, unknown>;
  }
  const NavigateKey: unique symbol;
  const GenerateUrlKey: unique symbol;
  export interface Navigation {
    [NavigateKey](pageReference: PageReference, replace?: boolean): void;
    [GenerateUrlKey](pageReference: PageReference): Promise<string>;
  }
  interface NavigationMixinFunction {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin takes any constructor
    <T extends new (...args: any[]) => object>(base: T): T & (new (...args: any[]) => Navigation);
    readonly Navigate: typeof NavigateKey;
    readonly GenerateUrl: typeof GenerateUrlKey;
  }
  export const NavigationMixin: NavigationMixinFunction;
}

declare module 'lightning/actions' {
  /** Closes the screen quick action the component runs in. */
  export class CloseActionScreenEvent extends CustomEvent<unknown> {
    constructor();
  }
}

declare module 'lightning/platformUtilityBarApi' {
  /** The utility-bar item the component runs in (rejects outside a utility bar). */
  export function getEnclosingUtilityId(): Promise<string | null>;
  export function open(utilityId: string, options?: Record<string, unknown>): Promise<boolean>;
  export function setUtilityHighlighted(
    utilityId: string,
    highlighted: boolean,
    options?: Record<string, unknown>
  ): Promise<boolean>;
}
