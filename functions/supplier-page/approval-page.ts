import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { APPROVAL_FIELDS, renderApprovalPage } from '../../shared/documents/approval-page';
import { orderRequestOf } from '../../shared/domain/order-request';
import { approvalOf, type PurchaseOrder } from '../../shared/domain/purchase-order';
import { APPROVAL_PAGE_PATH, verifyApprovalLink } from '../../shared/edge/approval-link';
import { FORM_NONCE_TTL_SECONDS, newNonce } from '../../shared/edge/page-security';
import { requestBody, requestHeader } from '../../shared/edge/request';
import type { OrderStore } from '../../shared/ports/order-store';
import { approveOrder } from '../../shared/use-cases/approve-order';
import type { CompleteOrderDeps } from '../../shared/use-cases/complete-order';
import { documentOptionsOf } from '../../shared/use-cases/order-channels';
import type { SupplierPageDeps } from './handler';
import { FormTooLargeError, InvalidOrderLinkError, NotAFormError } from './page-errors';

/**
 * `GET /a/{token}` and `POST /a/{token}`: the approver's one-click page, for approval without
 * an order app. The token is an approval link (`edge/approval-link`: its own derived key, so a
 * supplier's link never opens it). GET shows the order and, while it awaits approval, the form;
 * it changes nothing. POST (with the form's single-use nonce) approves or rejects through
 * {@link approveOrder}: an approved order is sent by the next scheduled send; a rejected one's
 * items are re-armed at once. Every refusal is the page function's 404.
 */

const MAX_FORM_BYTES = 4 * 1024;
const TOKEN_IN_PATH = new RegExp(`${APPROVAL_PAGE_PATH}([^/]+)$`);

/** The approval page's collaborators beyond the supplier page's own. */
export interface ApprovalPageDeps {
  /**
   * The order store with what a decision needs: an approval makes the order due at once
   * (reschedule), a rejection takes it off the due list (markSettled).
   */
  orders: Pick<OrderStore, 'get' | 'append' | 'markSettled' | 'reschedule'>;
  ledger?: CompleteOrderDeps['ledger'];
}

/** True for a request to the approval page. */
export function isApprovalPageRequest(event: APIGatewayProxyEventV2): boolean {
  return (
    event.routeKey?.includes(`${APPROVAL_PAGE_PATH}{token}`) === true ||
    TOKEN_IN_PATH.test(event.rawPath ?? '')
  );
}

export function makeApprovalPageHandler(deps: SupplierPageDeps & { approval: ApprovalPageDeps }) {
  const draw = deps.newNonce ?? newNonce;
  const decisionDeps = (): CompleteOrderDeps => ({
    config: deps.config,
    orders: deps.approval.orders as CompleteOrderDeps['orders'],
    kintone: deps.kintone,
    logger: deps.logger,
    now: deps.now,
    ...(deps.approval.ledger ? { ledger: deps.approval.ledger } : {}),
  });

  async function open(token: string, now: Date): Promise<PurchaseOrder> {
    const verified = verifyApprovalLink(token, await deps.signingKey(), now);
    if (!verified.ok) throw new InvalidOrderLinkError(verified.problem);
    const order = await deps.approval.orders.get(verified.orderNumber);
    if (!order || approvalOf(order).state === 'none')
      throw new InvalidOrderLinkError('unknown-order');
    return order;
  }

  function page(order: PurchaseOrder, token: string, cspNonce: string, formNonce: string) {
    const approval = approvalOf(order);
    const requested = order.log.find((event) => event.kind === 'approval-requested');
    return renderApprovalPage({
      request: orderRequestOf(order, documentOptionsOf(deps.config)),
      state:
        approval.state === 'awaiting'
          ? 'awaiting'
          : approval.state === 'approved'
            ? 'approved'
            : approval.state === 'rejected'
              ? 'rejected'
              : 'other',
      ...(approval.state === 'approved'
        ? { decidedText: `承認済みです (${approval.by})。仕入先へ送信します。` }
        : approval.state === 'rejected'
          ? { decidedText: `${approval.action}しました (${approval.by})。仕入先へは送信しません。` }
          : {}),
      reason: requested?.kind === 'approval-requested' ? requested.reason : '',
      formAction: `./${encodeURIComponent(token)}`,
      formNonce,
      cspNonce,
    });
  }

  return async (
    event: APIGatewayProxyEventV2,
    cspNonce: string,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const now = deps.now();
    const token = event.pathParameters?.token ?? TOKEN_IN_PATH.exec(event.rawPath)?.[1] ?? '';
    const order = await open(token, now);
    deps.logger.appendKeys({ orderNumber: order.orderNumber });
    if (event.requestContext.http.method !== 'POST') {
      let formNonce = '';
      if (approvalOf(order).state === 'awaiting') {
        formNonce = draw();
        await deps.nonces.issuePageNonce(
          order.orderNumber,
          formNonce,
          Math.floor(now.getTime() / 1000) + FORM_NONCE_TTL_SECONDS,
        );
      }
      return { statusCode: 200, body: page(order, token, cspNonce, formNonce) };
    }
    const form = readForm(event);
    const nonceValid = await deps.nonces.consumePageNonce(
      order.orderNumber,
      form[APPROVAL_FIELDS.nonce] ?? '',
      now,
    );
    const decision = form[APPROVAL_FIELDS.decision];
    if (!nonceValid || (decision !== 'approve' && decision !== 'reject')) {
      deps.logger.info('approval form refused (used nonce or no decision)');
      return { statusCode: 303, headers: { location: `./${encodeURIComponent(token)}` }, body: '' };
    }
    const by = deps.config.approval?.approverEmail ?? '承認者';
    await approveOrder(
      order.orderNumber,
      decision === 'approve'
        ? { approve: true, by }
        : {
            approve: false,
            by,
            action: '差し戻し',
            reason: (form[APPROVAL_FIELDS.reason] ?? '').trim().slice(0, 500),
          },
      decisionDeps(),
    );
    return { statusCode: 303, headers: { location: `./${encodeURIComponent(token)}` }, body: '' };
  };
}

function readForm(event: APIGatewayProxyEventV2): Record<string, string> {
  const body = requestBody(event);
  if (body.byteLength > MAX_FORM_BYTES) throw new FormTooLargeError(MAX_FORM_BYTES);
  const mediaType = requestHeader(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') throw new NotAFormError();
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
    if (!fields.has(name)) fields.set(name, value);
  }
  return Object.fromEntries(fields);
}
