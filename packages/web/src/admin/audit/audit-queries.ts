import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { Page } from "../../api/types.js";
import { useApi } from "../../auth/auth-context.js";
import { ADMIN_KEYS } from "../admin-queries.js";
import type { AuditEntry } from "../admin-types.js";
import { type AuditFilters, auditFiltersToApi } from "./audit-filters.js";

export const AUDIT_PAGE_SIZE = 50;

/** Newest first, a page at a time along the server's cursor. */
export function useAuditPages(filters: AuditFilters) {
  const api = useApi();
  const query = auditFiltersToApi(filters);
  return useInfiniteQuery({
    queryKey: [...ADMIN_KEYS.audit, query.toString()],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams(query);
      params.set("limit", String(AUDIT_PAGE_SIZE));
      if (pageParam) params.set("cursor", pageParam);
      return api.get<Page<AuditEntry>>("/api/v1/audit", params, signal);
    },
    getNextPageParam: (last) => last.next_cursor,
    placeholderData: keepPreviousData,
  });
}
