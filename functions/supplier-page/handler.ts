import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { localDate } from '../../shared/domain/dates';
import { requestBody, requestHeader } from '../../shared/edge/request';
import type { OrderRequest } from '../../shared/domain/order';
import { orderRequestOf } from '../../shared/domain/order-request';
import {
  activeLines,
  currentAnswer,
  isSealed,
  type PurchaseOrder,
} from '../../shared/domain/purchase-order';
import type { Counters } from '../../shared/ports/counters';
import type { OrderStore } from '../../shared/ports/order-store';
import type { PageNonces } from '../../shared/ports/page-nonces';
import { documentOptionsOf } from '../../shared/use-cases/order-channels';
import {
  ORDER_PAGE_PATH,
  parseOrderLinkToken,
  verifyOrderLink,
} from '../../shared/edge/order-link';
import {
  renderOrderPage,
  thankYouPage,
  type OrderPageView,
} from '../../shared/documents/order-page';
import { FORM_NONCE_TTL_SECONDS, newNonce } from '../../shared/edge/page-security';
import { langFrom, type PageLang } from '../../shared/documents/page-text';
import {
  ANSWER_FIELDS,
  parseAnswerForm,
  type AnswerFieldError,
} from '../../shared/documents/order-page-form';
import { sameAnswer } from '../../shared/domain/answer-outcome';
import {
  answersClosed,
  recordSupplierAnswer,
  type RecordAnswerDeps,
} from '../../shared/use-cases/record-answer';
import { supplierIdentity } from '../../shared/domain/supplier-answer';
import {
  FormTooLargeError,
  InvalidOrderLinkError,
  NotAFormError,
  TooManyAnswersError,
} from './page-errors';
import { refusalText } from './page-messages';
import { pageErrorHandler, pageSecurity, type SupplierPageContext } from './page-middleware';
import {
  isApprovalPageRequest,
  makeApprovalPageHandler,
  type ApprovalPageDeps,
} from './approval-page';

/** The page's form is a few short fields and two notes of 500 characters: 16 KB is ample. */
export const MAX_FORM_BYTES = 16 * 1024;

/** Answers one order takes per clock hour; a person changing their mind needs a handful. */
export const MAX_ANSWERS_PER_HOUR = 20;

const SECONDS_PER_HOUR = 3600;
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
/** The token is the last path segment of `/o/<token>`, when the router gave no parameter. */
const TOKEN_IN_PATH = new RegExp(`${ORDER_PAGE_PATH}([^/]+)$`);
/** Identity no stored supplier has: verifying against it costs what a real check costs. */
const NO_SUPPLIER = '\u0000';

export interface SupplierPageDeps extends RecordAnswerDeps {
  /** The orders, read by the number in the link; the answer is appended to the order's log. */
  orders: Pick<OrderStore, 'get' | 'append'>;
  /** The form's single-use nonces. */
  nonces: PageNonces;
  /** Counts the answers per order and hour (the rate limit). */
  counters: Pick<Counters, 'countPageRequest'>;
  logger: Logger;
  /** The current key that signs order links (read through the cached secret source). */
  signingKey: () => Promise<string>;
  /** Draws form and CSP nonces; random 16 bytes unless a test fixes them. */
  newNonce?: () => string;
  /** The approver's page (`/a/{token}`), served when approval goes by link. */
  approval?: ApprovalPageDeps;
}

export type SupplierPageHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** What one request to the page asks for. */
interface PageRequest {
  token: string;
  lang: PageLang;
  /** `?done=1`: the redirect after a saved answer. */
  done: boolean;
}

/** An order as the page shows it: the order, its document view, whether answers are closed. */
interface OpenOrder {
  order: PurchaseOrder;
  request: OrderRequest;
  closed: boolean;
}

/** Relative links to the page itself: they resolve against `/o/<token>` wherever it is served. */
interface PageLinks {
  self: string;
  otherLang: string;
  done: string;
}

/**
 * `GET /o/{token}` and `POST /o/{token}`: the supplier's order page. The token is checked
 * against the stored order's supplier before anything about the order is used; every failure
 * gives the same 404 page. GET renders the order with a form carrying a fresh single-use nonce;
 * POST (rate limited per order) uses up the nonce, validates the answer and records it, then
 * redirects to `?done=1` (Post/Redirect/Get) so a reload does not post again.
 */
export function makeSupplierPageHandler(deps: SupplierPageDeps) {
  const draw = deps.newNonce ?? newNonce;
  const approvalDeps = deps.approval;
  const approvalPage = approvalDeps
    ? makeApprovalPageHandler({ ...deps, approval: approvalDeps })
    : undefined;

  async function openOrder(token: string, now: Date): Promise<OpenOrder> {
    const parsed = parseOrderLinkToken(token);
    if (!parsed) throw new InvalidOrderLinkError('malformed');
    const key = await deps.signingKey();
    const found = await deps.orders.get(parsed.orderNumber);
    // A link is made when the order is sealed: an order still gathering, or left without a
    // line, has no page.
    const order = found && isSealed(found) && activeLines(found).length > 0 ? found : undefined;
    // Checked even for an unknown order, so the time taken does not tell which orders exist.
    const verified = verifyOrderLink(
      token,
      key,
      order ? supplierIdentity(order.supplier) : NO_SUPPLIER,
      now,
    );
    if (!order) throw new InvalidOrderLinkError('unknown-order');
    if (!verified.ok) throw new InvalidOrderLinkError(verified.problem);
    return {
      order,
      request: orderRequestOf(order, documentOptionsOf(deps.config)),
      // The order stays open while any of its lines still waits for goods.
      closed: answersClosed(order),
    };
  }

  async function issueFormNonce(open: OpenOrder, now: Date): Promise<string> {
    const nonce = draw();
    const expiresAt = Math.floor(now.getTime() / 1000) + FORM_NONCE_TTL_SECONDS;
    await deps.nonces.issuePageNonce(open.order.orderNumber, nonce, expiresAt);
    return nonce;
  }

  function orderPage(
    statusCode: number,
    open: OpenOrder,
    view: Pick<OrderPageView, 'lang' | 'cspNonce' | 'errors' | 'values'> & {
      links: PageLinks;
      formNonce: string;
    },
  ): APIGatewayProxyStructuredResultV2 {
    const recorded = currentAnswer(open.order);
    const body = renderOrderPage({
      lang: view.lang,
      request: open.request,
      ...(recorded ? { answer: { ...recorded.answer, at: recorded.at } } : {}),
      formAction: view.links.self,
      formNonce: view.formNonce,
      cspNonce: view.cspNonce,
      otherLangUrl: view.links.otherLang,
      ...(view.errors ? { errors: view.errors } : {}),
      ...(view.values ? { values: view.values } : {}),
      closed: open.closed,
      timeZone: deps.config.timeZone,
    });
    return { statusCode, body };
  }

  async function show(
    open: OpenOrder,
    page: PageRequest,
    links: PageLinks,
    cspNonce: string,
    now: Date,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    if (page.done) return { statusCode: 200, body: thankYouPage(page.lang, cspNonce) };
    // A closed order shows no form, so it needs no nonce.
    const formNonce = open.closed ? '' : await issueFormNonce(open, now);
    return orderPage(200, open, { lang: page.lang, cspNonce, links, formNonce });
  }

  async function answer(
    event: APIGatewayProxyEventV2,
    open: OpenOrder,
    page: PageRequest,
    links: PageLinks,
    cspNonce: string,
    now: Date,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const { orderNumber } = open.order;
    const fields = readForm(event);
    const count = await deps.counters.countPageRequest(orderNumber, hourWindow(now));
    if (count > MAX_ANSWERS_PER_HOUR) {
      throw new TooManyAnswersError(MAX_ANSWERS_PER_HOUR, secondsToNextHour(now));
    }
    if (open.closed) {
      deps.logger.info('answer to a closed order refused');
      return orderPage(409, open, { lang: page.lang, cspNonce, links, formNonce: '' });
    }
    const { [ANSWER_FIELDS.nonce]: nonce = '', ...values } = fields;
    const nonceValid = await deps.nonces.consumePageNonce(orderNumber, nonce, now);
    // Each line carries its id: a partial answer gives each line's quantity under its id.
    const { lines } = open.request;
    const parsed = parseAnswerForm(values, {
      orderedQuantity: lines[0]?.quantity ?? 0,
      // With several lines, a partial answer gives a quantity per line.
      lines,
      today: localDate(now, deps.config.timeZone),
      lang: page.lang,
    });
    const recorded = currentAnswer(open.order)?.answer;
    if (!nonceValid) {
      // A double tap posts the same form twice; the second finds the nonce used. When its
      // answer is the one on record, the supplier's answer did arrive: say so.
      if (parsed.ok && recorded !== undefined && sameAnswer(recorded, parsed.answer)) {
        return redirect(links.done);
      }
      deps.logger.info('answer with a used or expired form nonce refused');
      const errors: AnswerFieldError[] = [
        { field: ANSWER_FIELDS.nonce, message: refusalText(page.lang).formExpired },
      ];
      const formNonce = await issueFormNonce(open, now);
      return orderPage(400, open, { lang: page.lang, cspNonce, links, formNonce, errors, values });
    }
    if (!parsed.ok) {
      deps.logger.info('answer with invalid fields returned to the supplier', {
        fields: parsed.errors.map((error) => error.field),
      });
      const formNonce = await issueFormNonce(open, now);
      return orderPage(422, open, {
        lang: page.lang,
        cspNonce,
        links,
        formNonce,
        errors: parsed.errors,
        values,
      });
    }
    const result = await recordSupplierAnswer(open.order, parsed.answer, deps);
    if (result === 'closed') {
      return orderPage(
        409,
        { ...open, closed: true },
        { lang: page.lang, cspNonce, links, formNonce: '' },
      );
    }
    if (result === 'unchanged') deps.logger.info('answer unchanged: nothing written');
    return redirect(links.done);
  }

  return async (
    event: APIGatewayProxyEventV2,
    context: SupplierPageContext,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    if (isApprovalPageRequest(event)) {
      if (!approvalPage) throw new InvalidOrderLinkError('malformed');
      return approvalPage(event, context.cspNonce);
    }
    const now = deps.now();
    const page = pageRequest(event);
    const open = await openOrder(page.token, now);
    // Only now is the order number known to be genuine; the token itself is never logged.
    deps.logger.appendKeys({ orderNumber: open.order.orderNumber });
    const links = pageLinks(page.token, page.lang);
    return event.requestContext.http.method === 'POST'
      ? answer(event, open, page, links, context.cspNonce, now)
      : show(open, page, links, context.cspNonce, now);
  };
}

/**
 * The order page function: security headers on every response (outermost, so error pages get
 * them too), the Lambda context in the logs (never the event: its path holds the token), and
 * refusals rendered as pages.
 *
 * @example
 * export const handler = createSupplierPageHandler(wireSupplierPageDeps(process.env));
 */
export function createSupplierPageHandler(deps: SupplierPageDeps): SupplierPageHandler {
  return middy<
    APIGatewayProxyEventV2,
    APIGatewayProxyStructuredResultV2,
    Error,
    SupplierPageContext
  >(makeSupplierPageHandler(deps))
    .use(pageSecurity(deps.newNonce ? { newNonce: deps.newNonce } : {}))
    .use(injectLambdaContext(deps.logger, { resetKeys: true, logEvent: false }))
    .use(pageErrorHandler({ logger: deps.logger })) as unknown as SupplierPageHandler;
}

function pageRequest(event: APIGatewayProxyEventV2): PageRequest {
  const query = event.queryStringParameters ?? {};
  return {
    token: event.pathParameters?.token ?? TOKEN_IN_PATH.exec(event.rawPath)?.[1] ?? '',
    lang: langFrom(query.lang),
    done: query.done === '1',
  };
}

function pageLinks(token: string, lang: PageLang): PageLinks {
  const self = `./${encodeURIComponent(token)}`;
  const langQuery = lang === 'en' ? 'lang=en' : '';
  return {
    self: langQuery ? `${self}?${langQuery}` : self,
    otherLang: lang === 'en' ? self : `${self}?lang=en`,
    done: langQuery ? `${self}?done=1&${langQuery}` : `${self}?done=1`,
  };
}

/** The posted form's fields; a repeated field keeps its first value. */
function readForm(event: APIGatewayProxyEventV2): Record<string, string> {
  const body = requestBody(event);
  if (body.byteLength > MAX_FORM_BYTES) throw new FormTooLargeError(MAX_FORM_BYTES);
  const contentType = requestHeader(event, 'content-type');
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== FORM_CONTENT_TYPE) throw new NotAFormError();
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
    if (!fields.has(name)) fields.set(name, value);
  }
  // fromEntries defines own properties, so a field named __proto__ stays a plain field.
  return Object.fromEntries(fields);
}

function redirect(location: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 303, headers: { location }, body: '' };
}

/** The rate limit's window: the UTC clock hour, such as `2026-11-29T07`. */
function hourWindow(now: Date): string {
  return now.toISOString().slice(0, 13);
}

function secondsToNextHour(now: Date): number {
  return SECONDS_PER_HOUR - (Math.floor(now.getTime() / 1000) % SECONDS_PER_HOUR);
}
