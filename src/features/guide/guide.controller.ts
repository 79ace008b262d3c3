import type { Request, Response } from 'express';
import type { GuideService } from './guide.service.js';

export function createGuideController(guides: GuideService) {
  return {
    index(req: Request, res: Response) {
      res.render('guide/index', { guides: guides.list(req.lang ?? 'vi') });
    },
    async show(req: Request, res: Response) {
      const guide = await guides.get(String(req.params.slug ?? ''), req.lang ?? 'vi');
      res.render('guide/show', { guide, guides: guides.list(req.lang ?? 'vi') });
    },
  };
}
